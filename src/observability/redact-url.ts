import { CENSOR, isSecretName, SECRET_VALUE } from './scrub.ts';

/** Percent-decoded (and `+` as space), or the text as it is when it does not decode. */
export function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

function redactPart(part: string): string {
  return SECRET_VALUE.test(decodeComponent(part)) ? CENSOR : part;
}

/**
 * A URL (or a path with its query string) fit for a log line: the value of every query
 * parameter with a secret name (`isSecretName`: a key, secret, token, password, signature or
 * hash, card data, a PIN, OTP or national id), and every path segment, name or value shaped
 * like a key or signing secret (encoded or not), is replaced by `[redacted]`.
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
      return `${name}=${isSecretName(decodeComponent(name)) ? CENSOR : redactPart(value)}`;
    })
    .join('&');
  return `${path}?${query}`;
}
