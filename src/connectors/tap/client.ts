import type { Dispatcher } from 'undici';
import { type HttpAnswer, type HttpFailure, sendBearerJson } from '../http.ts';

/** Where and how to reach Tap for one connector account. */
export interface TapClientConfig {
  readonly baseUrl: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
}

function call(
  cfg: TapClientConfig,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<HttpAnswer | HttpFailure> {
  return sendBearerJson({
    method,
    url: `${cfg.baseUrl.replace(/\/+$/, '')}${path}`,
    token: cfg.secretKey,
    body,
    timeoutMs: cfg.timeoutMs,
    dispatcher: cfg.dispatcher,
  });
}

/** `POST /v2/charges/` (providers.md §2.1). */
export const postCharge = (cfg: TapClientConfig, body: Record<string, unknown>) =>
  call(cfg, 'POST', '/v2/charges/', body);
/** `GET /v2/charges/{id}` (providers.md §2.2). */
export const getCharge = (cfg: TapClientConfig, id: string) =>
  call(cfg, 'GET', `/v2/charges/${encodeURIComponent(id)}`);
/** `POST /v2/refunds` (providers.md §2.4). */
export const postRefund = (cfg: TapClientConfig, body: Record<string, unknown>) =>
  call(cfg, 'POST', '/v2/refunds', body);
/** `GET /v2/refunds/{id}`. */
export const getRefund = (cfg: TapClientConfig, id: string) =>
  call(cfg, 'GET', `/v2/refunds/${encodeURIComponent(id)}`);
