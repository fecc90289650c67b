/**
 * The sending side of Standard Webhooks (standardwebhooks.com, spec 1.0.0): `whsec_` secrets and
 * `v1` signatures, HMAC-SHA256 over `{id}.{timestamp}.{body}` with the base64-decoded secret.
 * The merchant SDK's verifier (`packages/sdk/src/webhooks.ts`) is tested against this signer.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The prefix of a symmetric Standard Webhooks secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Random bytes in a secret made by {@link generateWebhookSecret} (the HMAC-SHA256 output size). */
export const WEBHOOK_SECRET_BYTES = 32;

// The spec asks for at least 24 bytes (192 bits) and at most 512 bits.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Unix seconds stay below this until the year 5138; a larger value is milliseconds by mistake.
const MAX_TIMESTAMP_SECONDS = 99_999_999_999;

/** What {@link signWebhook} signs. */
export interface SignWebhookInput {
  /** The message id (`evt_...`); the same on every retry. Must not contain `.`. */
  readonly id: string;
  /** The time of this attempt, in whole Unix seconds; fresh on every retry. */
  readonly timestamp: number;
  /** The exact body that will be sent. */
  readonly body: string;
  /** The endpoint's `whsec_` secrets: one, or two during a rotation's overlap. */
  readonly secrets: readonly string[];
}

/**
 * The three headers of a Standard Webhooks request. A type literal rather than an interface, so
 * that it is assignable to `Record<string, string>` header bags.
 */
export type WebhookSignatureHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  /** `v1,<base64>` per secret, space-separated, in the order of the secrets. */
  readonly 'webhook-signature': string;
};

/** A new endpoint secret: `whsec_` followed by the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(WEBHOOK_SECRET_BYTES).toString('base64');
}

/**
 * Signs one delivery attempt. Throws a `TypeError` (naming the secret's position, never its
 * value) when a secret is not `whsec_` + base64 of 24 to 64 bytes, and a `RangeError` when the id
 * or the timestamp cannot be signed unambiguously.
 */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  const { id, timestamp, body, secrets } = input;
  if (id.length === 0 || id.includes('.')) {
    throw new RangeError('webhook id must be non-empty and contain no "." (it delimits the signed content)');
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP_SECONDS) {
    throw new RangeError(`webhook timestamp must be whole Unix seconds, got ${timestamp}`);
  }
  if (secrets.length === 0) throw new TypeError('signWebhook needs at least one webhook secret');
  const keys = secrets.map((secret, i) => decodeWebhookSecret(secret, `secrets[${i}]`));
  const content = `${id}.${timestamp}.${body}`;
  const signatures = keys.map((key) => `v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/** The HMAC key of a `whsec_` secret; throws a `TypeError` naming `label` if it is malformed. */
export function decodeWebhookSecret(secret: string, label = 'webhook secret'): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : undefined;
  const key = encoded !== undefined && BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
  if (key === undefined || key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new TypeError(
      `${label} is not a valid webhook secret: expected "${WEBHOOK_SECRET_PREFIX}" followed by the base64 of ` +
        `${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`,
    );
  }
  return key;
}
