import { escapeHtml, PAGE_ROUTE_OPTIONS, renderPage } from '../html-page.ts';
import { type QueryValues, queryText } from '../query.ts';
import type { ApiApp } from '../types.ts';

/** The route has no schema: its query as parsed. */
type SandboxReturn = { Querystring: QueryValues };

/**
 * `GET /sandbox/return`: a stand-in for a merchant's "thank you" page, so the sandbox
 * walk-through ends on a page that shows the outcome without any merchant site running.
 */
export function registerSandboxRoutes(app: ApiApp): void {
  app.get<SandboxReturn>(
    '/sandbox/return',
    { ...PAGE_ROUTE_OPTIONS, config: { public: true } },
    async (request, reply) => {
      const rawStatus = queryText(request.query, 'status') ?? '(none)';
      const id = escapeHtml(queryText(request.query, 'payment_id') ?? '(none)');
      const status = escapeHtml(rawStatus);
      reply.type('text/html; charset=utf-8');
      return renderPage(
        `Payment ${rawStatus}`,
        `<p class="note">Sandbox merchant return page</p>
<h1>Payment <span id="status">${status}</span></h1>
<p>Payment <code id="payment-id">${id}</code> came back with status <strong>${status}</strong>.</p>
<p>This page stands in for your shop's <code>return_url</code>. Do not trust the status in this URL:
look the payment up with <code>GET /v1/payments/${id}</code> (or wait for the webhook).</p>`,
      );
    },
  );
}
