import type { Dispatcher } from 'undici';
import { type HttpAnswer, type HttpFailure, sendBearerJson } from '../http.ts';

/**
 * How the api_token travels in `Authorization`: `bearer` (`Bearer <token>`, what both official
 * SDKs send, the default) or `bare` (the token alone, as Qattah's API pages show it).
 */
export type QattahAuthScheme = 'bearer' | 'bare';
export const QATTAH_AUTH_SCHEMES: readonly QattahAuthScheme[] = ['bearer', 'bare'];

/** Where and how to reach Qattah Pay for one connector account. */
export interface QattahClientConfig {
  /** The host root (`https://api.qattahpay.sa`); the paths below are appended to it. */
  readonly baseUrl: string;
  readonly apiToken: string;
  readonly authScheme: QattahAuthScheme;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
}

const MERCHANT_API = '/api/v1/merchant-integration';

/** The host root, also when the merchant API prefix was configured with it (providers.md §3.1 lists it so). */
function hostRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/api\/v1\/merchant-integration$/, '');
}

function call(
  cfg: QattahClientConfig,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<HttpAnswer | HttpFailure> {
  return sendBearerJson({
    method,
    url: `${hostRoot(cfg.baseUrl)}${path}`,
    token: cfg.apiToken,
    bare: cfg.authScheme === 'bare',
    body,
    timeoutMs: cfg.timeoutMs,
    dispatcher: cfg.dispatcher,
  });
}

const order = (id: string) => `${MERCHANT_API}/orders/${encodeURIComponent(id)}`;

/** `POST .../orders` (providers.md §3.2). */
export const postOrder = (cfg: QattahClientConfig, body: Record<string, unknown>) =>
  call(cfg, 'POST', `${MERCHANT_API}/orders`, body);
/** `GET .../orders/{id}` (providers.md §3.6). */
export const getOrder = (cfg: QattahClientConfig, id: string) => call(cfg, 'GET', order(id));
/** `POST .../orders/{id}/refund`: every invoice, in full (providers.md §3.6). */
export const postRefund = (cfg: QattahClientConfig, id: string) => call(cfg, 'POST', `${order(id)}/refund`);
/** `POST /api/v1/qattah/orders/{id}/cancel`: the SDKs' path, another prefix (providers.md §3.6). */
export const postCancel = (cfg: QattahClientConfig, id: string) =>
  call(cfg, 'POST', `/api/v1/qattah/orders/${encodeURIComponent(id)}/cancel`);
