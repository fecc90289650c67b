import type { Dispatcher } from 'undici';
import { type HttpAnswer, type HttpFailure, sendHttp } from '../http.ts';

/** Where and how to reach Checkout.com for one connector account. */
export interface CheckoutClientConfig {
  readonly baseUrl: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
}

function headers(cfg: CheckoutClientConfig, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${cfg.secretKey}`, accept: 'application/json', ...extra };
}

function url(cfg: CheckoutClientConfig, path: string): string {
  return `${cfg.baseUrl.replace(/\/+$/, '')}${path}`;
}

/** `POST /payments` with `Cko-Idempotency-Key`. */
export function postPayment(
  cfg: CheckoutClientConfig,
  body: Record<string, unknown>,
  idempotencyKey: string,
): Promise<HttpAnswer | HttpFailure> {
  return sendHttp({
    method: 'POST',
    url: url(cfg, '/payments'),
    headers: headers(cfg, { 'content-type': 'application/json', 'cko-idempotency-key': idempotencyKey }),
    body: JSON.stringify(body),
    timeoutMs: cfg.timeoutMs,
    dispatcher: cfg.dispatcher,
  });
}

/** `GET /payments/{id}` by `pay_` id or `sid_` session id. */
export function getPayment(cfg: CheckoutClientConfig, reference: string): Promise<HttpAnswer | HttpFailure> {
  return sendHttp({
    method: 'GET',
    url: url(cfg, `/payments/${encodeURIComponent(reference)}`),
    headers: headers(cfg),
    timeoutMs: cfg.timeoutMs,
    dispatcher: cfg.dispatcher,
  });
}

/** `POST /payments/{id}/refunds` with `Cko-Idempotency-Key` (providers.md §1.7). */
export function postRefund(
  cfg: CheckoutClientConfig,
  paymentId: string,
  body: Record<string, unknown>,
  idempotencyKey: string,
): Promise<HttpAnswer | HttpFailure> {
  return sendHttp({
    method: 'POST',
    url: url(cfg, `/payments/${encodeURIComponent(paymentId)}/refunds`),
    headers: headers(cfg, { 'content-type': 'application/json', 'cko-idempotency-key': idempotencyKey }),
    body: JSON.stringify(body),
    timeoutMs: cfg.timeoutMs,
    dispatcher: cfg.dispatcher,
  });
}

/** `GET /payments/{id}/actions` (providers.md §1.5). */
export function getActions(cfg: CheckoutClientConfig, paymentId: string): Promise<HttpAnswer | HttpFailure> {
  return sendHttp({
    method: 'GET',
    url: url(cfg, `/payments/${encodeURIComponent(paymentId)}/actions`),
    headers: headers(cfg),
    timeoutMs: cfg.timeoutMs,
    dispatcher: cfg.dispatcher,
  });
}
