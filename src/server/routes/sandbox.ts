import type { FastifyInstance } from 'fastify';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * `GET /sandbox/return`: a stand-in for a merchant's "thank you" page, so the sandbox
 * walk-through ends on a page that shows the outcome without any merchant site running.
 */
export function registerSandboxRoutes(app: FastifyInstance): void {
  app.get('/sandbox/return', { config: { public: true } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const id = escapeHtml(q.payment_id ?? '(none)');
    const status = escapeHtml(q.status ?? '(none)');
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Payment ${status}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222">
<p style="color:#666">Sandbox merchant return page</p>
<h1>Payment <span id="status">${status}</span></h1>
<p>Payment <code id="payment-id">${id}</code> came back with status <strong>${status}</strong>.</p>
<p>This page stands in for your shop's <code>return_url</code>. Do not trust the status in this URL:
look the payment up with <code>GET /v1/payments/${id}</code> (or wait for the webhook).</p>
</body></html>`;
  });
}
