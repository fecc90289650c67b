/** The cookies of a request, by name (the first of each name). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (!name || Object.hasOwn(out, name)) continue;
    try {
      out[name] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A value that does not decode is not one of ours.
    }
  }
  return out;
}

/** How a cookie is set. */
export interface CookieOptions {
  readonly path: string;
  readonly secure: boolean;
  /** Seconds; 0 deletes the cookie; undefined: until the browser closes. */
  readonly maxAge?: number;
  readonly httpOnly?: boolean;
}

/** A `Set-Cookie` value: HttpOnly unless told otherwise, SameSite=Lax, Secure on https. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path}`, 'SameSite=Lax'];
  if (options.httpOnly !== false) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  return parts.join('; ');
}
