import type { FastifyReply } from 'fastify';

/**
 * Stable error codes of the emulator (providers.md §4.2 gives the body shape, not the codes):
 * the top-level code says what kind of failure it is, each `errors[]` entry names one problem.
 */
export const ERROR_CODES = {
  /** Body is not a JSON object. */
  invalidJson: 1,
  /** One or more parameters are missing or wrong; see `errors`. */
  invalidParams: 2,
  /** A required field is absent. */
  required: 100,
  /** A field has the wrong type, format or value. */
  invalidValue: 101,
  /** A string is longer than allowed. */
  tooLong: 102,
  /** `operation` other than `purchase`. */
  unsupportedOperation: 103,
  /** `merchant_key` unknown (HTTP 401). */
  unknownMerchant: 204,
  /** `hash` does not match (HTTP 401). */
  badHash: 205,
  /** No payment with that id (or order id) for this merchant. */
  paymentNotFound: 300,
  /** The payment's status does not allow the operation. */
  notAllowed: 301,
  /** Refund amount larger than what is left to refund. */
  amountTooLarge: 302,
} as const;

export type ErrorItem = { error_code: number; error_message: string };

export type ErrorBody = { error_code: number; error_message: string; errors: ErrorItem[] };

export const item = (code: number, message: string): ErrorItem => ({ error_code: code, error_message: message });

/** One problem: the top level repeats it. */
export function errorBody(code: number, message: string): ErrorBody {
  return { error_code: code, error_message: message, errors: [item(code, message)] };
}

export function paramsError(errors: ErrorItem[]): ErrorBody {
  return { error_code: ERROR_CODES.invalidParams, error_message: 'Request data is invalid', errors };
}

export function sendError(reply: FastifyReply, httpStatus: number, body: ErrorBody): FastifyReply {
  return reply.code(httpStatus).send(body);
}

export const unknownMerchantBody = (): ErrorBody => errorBody(ERROR_CODES.unknownMerchant, 'Merchant key not found');
export const badHashBody = (): ErrorBody => errorBody(ERROR_CODES.badHash, 'Hash is invalid');
export const notFoundBody = (): ErrorBody => errorBody(ERROR_CODES.paymentNotFound, 'Payment not found');
