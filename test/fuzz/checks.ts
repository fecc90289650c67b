/**
 * What every answer of the gateway must look like: never a 5xx from input; every error exactly
 * `{error: {type, code, message, param?, request_id}}` with a registered code, its type and
 * status, and the `request-id` header; security and cache headers on everything.
 */
import { ERROR_CODES } from '../../src/core/errors.ts';
import type { FuzzRequest } from './requests.ts';
import type { Answer } from './send.ts';

const ERROR_FIELDS = new Set(['type', 'code', 'message', 'param', 'doc_url', 'request_id', 'payment_id', 'refund_id']);

/** What is wrong with an answer: empty when nothing is. */
export function shapeProblems(request: FuzzRequest, answer: Answer & { kind: 'answer' }): string[] {
  const problems: string[] = [];
  const h = answer.headers;
  if (!h['request-id']) problems.push('no request-id header');
  if (h['x-content-type-options'] !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  if (!/\bno-store\b/.test(h['cache-control'] ?? '')) problems.push('no Cache-Control: no-store');
  if (!/frame-ancestors 'none'/.test(h['content-security-policy'] ?? ''))
    problems.push("no CSP frame-ancestors 'none'");
  if (answer.status < 400 || request.method === 'HEAD') return problems;
  if (isBrowserPage(request, answer)) return problems;
  if (!/^application\/json\b/.test(h['content-type'] ?? '')) problems.push(`error content-type ${h['content-type']}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    problems.push('error body is not JSON');
    return problems;
  }
  if (!isObject(parsed) || Object.keys(parsed).join() !== 'error' || !isObject(parsed.error)) {
    problems.push('error body is not {error: {...}}');
    return problems;
  }
  const e = parsed.error;
  for (const key of Object.keys(e)) if (!ERROR_FIELDS.has(key)) problems.push(`unexpected error field ${key}`);
  for (const key of ['type', 'code', 'message', 'doc_url', 'request_id']) {
    if (typeof e[key] !== 'string' || e[key] === '') problems.push(`error.${key} missing or not a string`);
  }
  if (e.param !== undefined && (typeof e.param !== 'string' || e.param === '')) problems.push('error.param empty');
  const spec = ERROR_CODES[e.code as keyof typeof ERROR_CODES];
  if (!spec) problems.push(`unregistered code ${String(e.code)}`);
  else {
    if (spec.type !== e.type) problems.push(`code ${String(e.code)} with type ${String(e.type)}`);
    if (spec.status !== answer.status) problems.push(`code ${String(e.code)} with status ${answer.status}`);
  }
  if (e.request_id !== h['request-id']) problems.push('error.request_id differs from the request-id header');
  return problems;
}

/** The customer's return route shows a browser (one that asks for HTML) a page, not JSON. */
function isBrowserPage(request: FuzzRequest, answer: Answer & { kind: 'answer' }): boolean {
  return (
    request.method === 'GET' &&
    request.target.startsWith('/return/') &&
    /\btext\/html\b/.test(request.headers.accept ?? '') &&
    answer.status === 404 &&
    /^text\/html\b/.test(answer.headers['content-type'] ?? '')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
