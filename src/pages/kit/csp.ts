import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of the dashboard's pages, written by `helmet`: the gateway's own
 * stylesheet, forms that post to the gateway only, no script, nothing from another host, no
 * framing.
 */
export function dashboardCsp(): string {
  let value: string | undefined;
  const response = {
    setHeader(name: string, v: unknown) {
      if (name.toLowerCase() === 'content-security-policy') value = String(v);
    },
    removeHeader() {},
  };
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'"],
        'form-action': ["'self'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
      },
    },
  })({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  if (value === undefined) throw new Error('helmet set no content-security-policy');
  return value;
}
