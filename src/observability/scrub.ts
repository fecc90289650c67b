/**
 * What keeps secrets out of log lines, as Active Merchant scrubs its transcripts: by the name a
 * value goes under (anywhere in a logged object, or as `name=value` / `"name":"value"` /
 * `name: value` in text such as a provider's error page or an error message), and by its shape
 * (our and providers' API keys, webhook signing secrets, bearer tokens, card numbers).
 */

/** What a secret is replaced by. */
export const CENSOR = '[redacted]';

/** A value shaped like an API key (ours or a provider's) or a webhook signing secret. */
export const SECRET_VALUE = /(sk_(test|live|sbox)_[0-9A-Za-z]{4,}|whsec_[0-9A-Za-z+/=]{4,})/;

/**
 * Names whose values are secret, compared lower-cased without separators: every connector's
 * credentials (`secret_key`, `api_token`, `merchant_key`, `password`, `webhook_signature_key`,
 * `webhook_authorization`), our API keys and webhook endpoint secrets, signatures and hashes,
 * card data, PINs, OTPs and national ids.
 */
const SECRET_ENDINGS = [
  'key',
  'secret',
  'password',
  'passwd',
  'token',
  'signature',
  'credential',
  'credentials',
  'authorization',
  'hash',
  'cardnumber',
  'nationalid',
];
const SECRET_NAMES = new Set([
  'pwd',
  'auth',
  'cookie',
  'setcookie',
  'hashstring',
  'pan',
  'cvv',
  'cvv2',
  'cvc',
  'pin',
  'otp',
]);

/** True for a field, header or parameter name whose value is secret, whatever it holds. */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_NAMES.has(n) || SECRET_ENDINGS.some((ending) => n.endsWith(ending));
}

const SECRET_VALUES = new RegExp(SECRET_VALUE.source, 'g');
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi;
/**
 * `name: value`, `name=value`, `"name":"value"`: a quoted value may be cut off by a truncation,
 * an unquoted one may start with a word (`authorization: Token abc`).
 */
const NAMED = /(["']?)([A-Za-z][\w.-]*)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|(?:[A-Za-z]+ )?[^\s,&;(){}[\]"']+)/g;
/** 13 to 19 digits, alone or in groups: a card number when its Luhn check holds. */
const DIGITS = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const censored = (value: string) =>
  value.startsWith('"') ? `"${CENSOR}"` : value.startsWith("'") ? `'${CENSOR}'` : CENSOR;

/** Free text fit for a log line: secrets found by name or by shape are replaced by {@link CENSOR}. */
export function scrubText(text: string): string {
  return text
    .replace(SECRET_VALUES, CENSOR)
    .replace(BEARER, (_all, scheme: string) => `${scheme} ${CENSOR}`)
    .replace(NAMED, (all, quote: string, name: string, sep: string, value: string) =>
      isSecretName(name) && !value.includes(CENSOR) ? `${quote}${name}${quote}${sep}${censored(value)}` : all,
    )
    .replace(DIGITS, (all) => (luhn(all.replace(/\D/g, '')) ? CENSOR : all));
}

/** Deeper than this a logged object is left as it is (no log line of ours nests so deep). */
const MAX_DEPTH = 8;

/**
 * A logged value fit for a log line: in plain objects and arrays, a value under a secret name is
 * replaced by {@link CENSOR} and every string is scrubbed. Anything else (a request, an error) is
 * left to its serializer. The value given is never changed.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    const secret = isSecretName(name) && item !== null && item !== undefined && typeof item !== 'boolean';
    out[name] = secret ? CENSOR : scrub(item, depth + 1);
  }
  return out;
}
