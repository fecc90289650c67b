import { createHmac } from 'node:crypto';

/** The fields `hashstring` covers (providers.md §2.5); `amount` is already fixed-decimals text. */
export type HashFields = {
  id: string;
  amount: string;
  currency: string;
  gatewayReference: string | undefined;
  paymentReference: string | undefined;
  status: string;
  created: string;
};

/** The string that is signed; a missing reference counts as empty, as every known verifier does. */
export function hashInput(fields: HashFields): string {
  return (
    `x_id${fields.id}` +
    `x_amount${fields.amount}` +
    `x_currency${fields.currency}` +
    `x_gateway_reference${fields.gatewayReference ?? ''}` +
    `x_payment_reference${fields.paymentReference ?? ''}` +
    `x_status${fields.status}` +
    `x_created${fields.created}`
  );
}

/** `hashstring` header: lower-case hex HMAC-SHA256 keyed with the merchant's secret key. */
export function hashString(fields: HashFields, secretKey: string): string {
  return createHmac('sha256', secretKey).update(hashInput(fields)).digest('hex');
}
