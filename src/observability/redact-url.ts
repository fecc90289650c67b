/** A value shaped like an API key (ours or a provider's) or a webhook signing secret. */
export const SECRET_VALUE = /(sk_(test|live|sbox)_[0-9A-Za-z]{4,}|whsec_[0-9A-Za-z+/=]{4,})/;

/** Query parameter names whose values are secret whatever they look like. */
const SECRET_NAME = /key|secret|token|passw|pwd|hash|signature|auth|credential/i;

const REDACTED = '[redacted]';

/** Percent-decoded (and `+` as space), or the text as it is when it does not decode. */
export function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

function redactPart(part: string): string {
  return SECRET_VALUE.test(decodeComponent(part)) ? REDACTED : part;
}

/**
 * A URL (or a path with its query string) fit for a log line: the value of every query
 * parameter named like a key, secret, token, password or hash, and every path segment, name
 * or value shaped like a key or signing secret (encoded or not), is replaced by `[redacted]`.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).split('/').map(redactPart).join('/');
  if (q === -1) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return redactPart(pair);
      const name = redactPart(pair.slice(0, eq));
      const value = pair.slice(eq + 1);
      return `${name}=${SECRET_NAME.test(decodeComponent(name)) ? REDACTED : redactPart(value)}`;
    })
    .join('&');
  return `${path}?${query}`;
}
