import type { Dispatcher } from 'undici';
import { type HttpAnswer, type HttpFailure, sendHttp } from '../http.ts';

/** Where and how to reach one merchant's payment platform (a white-label host). */
export interface AkuratecoClientConfig {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
}

/** `POST {host}/api/v1/{path}` with a JSON body: authenticity is the merchant key and the hash. */
export function post(
  cfg: AkuratecoClientConfig,
  path: string,
  body: Record<string, unknown>,
): Promise<HttpAnswer | HttpFailure> {
  return sendHttp({
    method: 'POST',
    url: `${cfg.baseUrl.replace(/\/+$/, '')}/api/v1/${path}`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    timeoutMs: cfg.timeoutMs,
    dispatcher: cfg.dispatcher,
  });
}
