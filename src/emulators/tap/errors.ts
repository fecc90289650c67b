import type { FastifyReply } from 'fastify';

/** Codes from Tap's SDK error list (providers.md §2.6) with the descriptions the emulator gives. */
export const TAP_ERRORS = {
  '1102': 'Empty request',
  '1103': 'Invalid input',
  '1117': 'Invalid amount',
  '1118': 'Invalid currency',
  '1119': 'Currency is not supported by the payment source',
  '1124': 'Source id is missing',
  '1125': 'Invalid source id',
  '1129': 'Customer id or customer information (first_name, email or phone) is required',
  '1135': 'Invalid phone number',
  '1138': 'Invalid email',
  '1142': 'Charge id is missing',
  '1143': 'Invalid charge id',
  '1144': 'Charge not found',
  '1145': 'Refund not found',
  '2100': 'Invalid JSON request',
  '2104': 'Invalid API Key',
  '2105': 'Missing API Key',
  '2106': 'A public key cannot be used for this request: use the secret key',
} as const;

export type TapErrorCode = keyof typeof TAP_ERRORS;

export type TapError = { code: TapErrorCode; description: string };

export function tapError(code: TapErrorCode, detail?: string): TapError {
  return { code, description: detail ?? TAP_ERRORS[code] };
}

export function sendErrors(reply: FastifyReply, statusCode: number, errors: TapError[]): FastifyReply {
  return reply.code(statusCode).send({ errors });
}
