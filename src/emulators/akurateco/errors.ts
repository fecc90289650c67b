import type { FastifyReply } from 'fastify';

/**
 * Error codes. Where the platform documents one (Akurateco's published error list, in its SDK
 * wiki "Errors": 100000 request data invalid, 204005 action not supported, 208001 payment not
 * found, 208005 refund not allowed in this status, 208006 refund bigger than the payment) the
 * emulator answers it; the others (bad JSON, unknown merchant, wrong hash, void refused) are
 * not in the public documents and keep the emulator's own numbers.
 */
export const ERROR_CODES = {
  /** Body is not a JSON object. */
  invalidJson: 1,
  /** One or more parameters are missing or wrong; see `errors` (documented). */
  invalidParams: 100000,
  /** A required field is absent (documented: the field items carry 100000 too). */
  required: 100000,
  /** A field has the wrong type, format or value. */
  invalidValue: 100000,
  /** A string is longer than allowed. */
  tooLong: 100000,
  /** `operation` other than `purchase` (documented "Payment action not supported"). */
  unsupportedOperation: 204005,
  /** `merchant_key` unknown (HTTP 401). */
  unknownMerchant: 204,
  /** `hash` does not match (HTTP 401). */
  badHash: 205,
  /** No payment with that id (or order id) for this merchant (documented). */
  paymentNotFound: 208001,
  /** The payment's status does not allow the void. */
  notAllowed: 301,
  /** The payment's status does not allow a refund (documented). */
  refundNotAllowed: 208005,
  /** Refund amount larger than what is left to refund (documented). */
  amountTooLarge: 208006,
} as const;

export type ErrorItem = { error_code: number; error_message: string };

export type ErrorBody = { error_code: number; error_message: string; errors: ErrorItem[] };

export const item = (code: number, message: string): ErrorItem => ({ error_code: code, error_message: message });

/** One problem: the top level repeats it. */
export function errorBody(code: number, message: string): ErrorBody {
  return { error_code: code, error_message: message, errors: [item(code, message)] };
}

export function paramsError(errors: ErrorItem[]): ErrorBody {
  return { error_code: ERROR_CODES.invalidParams, error_message: 'Request data is invalid.', errors };
}

export function sendError(reply: FastifyReply, httpStatus: number, body: ErrorBody): FastifyReply {
  return reply.code(httpStatus).send(body);
}

export const unknownMerchantBody = (): ErrorBody => errorBody(ERROR_CODES.unknownMerchant, 'Merchant key not found');
export const badHashBody = (): ErrorBody => errorBody(ERROR_CODES.badHash, 'Hash is invalid');
export const notFoundBody = (): ErrorBody => errorBody(ERROR_CODES.paymentNotFound, 'Payment not found');
