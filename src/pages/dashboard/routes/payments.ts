import type { FastifyInstance } from 'fastify';
import type { PaymentSearch } from '../../../core/dashboard-ports.ts';
import type { DomainEvent } from '../../../core/event-ports.ts';
import { CURRENCY_EXPONENTS } from '../../../core/money.ts';
import { PAYMENT_METHODS, type Payment, type PaymentMethod } from '../../../core/payment/payment.ts';
import { isPaymentStatus, PAYMENT_STATUSES } from '../../../core/payment/status.ts';
import type { Refund } from '../../../core/refund/refund.ts';
import { startOfDay, utcOffsetMinutes } from '../../kit/format.ts';
import { html, type SafeHtml } from '../../kit/html.ts';
import { fill, strings } from '../../kit/i18n.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { COMMON } from '../i18n/common.ts';
import { PAYMENTS } from '../i18n/payments.ts';
import { shell } from '../layout.ts';
import { PageError } from '../page-error.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { timeline } from '../timeline.ts';
import { badge, code, money, pager, param, when } from '../ui.ts';
import { paymentActions } from './actions.ts';

const PAGE_SIZE = 25;
const DECIMAL = /^\d{1,15}(\.\d{1,3})?$/;

/** The payment list's filters from the query string; `errors` names what could not be read. */
function searchOf(viewer: Viewer, query: unknown, deps: DashboardDeps): { search: PaymentSearch; errors: string[] } {
  const t = strings(PAYMENTS, viewer.lang);
  const errors: string[] = [];
  const status = param(query, 'status');
  const connector = param(query, 'connector');
  const method = param(query, 'method');
  const currency = param(query, 'currency');
  const offset = utcOffsetMinutes(deps.clock.now(), viewer.timeZone);
  const day = (name: string, plusDay: boolean) => {
    const v = param(query, name);
    if (v === undefined) return undefined;
    const start = startOfDay(v, offset);
    if (start === undefined) errors.push(t.badDate);
    return start === undefined ? undefined : start + (plusDay ? 86_400_000 : 0);
  };
  const amount = (name: string) => {
    const v = param(query, name);
    if (v !== undefined && !DECIMAL.test(v)) {
      errors.push(t.badAmount);
      return undefined;
    }
    return v;
  };
  const createdGte = day('from', false);
  const createdLt = day('to', true);
  const amountMin = amount('min');
  const amountMax = amount('max');
  const text = param(query, 'q');
  return {
    search: {
      accountId: viewer.user.accountId,
      mode: viewer.session.mode,
      ...(status && isPaymentStatus(status) ? { status } : {}),
      ...(connector && deps.connectors.get(connector) ? { connector } : {}),
      ...(method && (PAYMENT_METHODS as readonly string[]).includes(method)
        ? { paymentMethod: method as PaymentMethod }
        : {}),
      ...(currency && Object.hasOwn(CURRENCY_EXPONENTS, currency) ? { currency } : {}),
      ...(createdGte !== undefined ? { createdGte } : {}),
      ...(createdLt !== undefined ? { createdLt } : {}),
      ...(amountMin !== undefined ? { amountMin } : {}),
      ...(amountMax !== undefined ? { amountMax } : {}),
      ...(text !== undefined ? { text } : {}),
    },
    errors: [...new Set(errors)],
  };
}

function select(name: string, label: string, current: string | undefined, options: [string, string][], all: string) {
  return html`<label>${label}<select name="${name}"><option value="">${all}</option>${options.map(
    ([value, text]) => html`<option value="${value}"${current === value ? html` selected` : ''}>${text}</option>`,
  )}</select></label>`;
}

function customerText(p: Payment): string {
  return p.customer?.email ?? p.customer?.phone ?? p.customer?.name ?? '';
}

/** The payment list and a payment's page. */
export function registerPaymentRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get('/payments', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(PAYMENTS, viewer.lang);
    const c = strings(COMMON, viewer.lang) as Readonly<Record<string, string>>;
    const q = request.query;
    const { search, errors } = searchOf(viewer, q, deps);
    const startingAfter = param(q, 'starting_after');
    const endingBefore = param(q, 'ending_before');
    const [page, totals] = await Promise.all([
      deps.queries.searchPayments({
        ...search,
        limit: PAGE_SIZE,
        ...(endingBefore ? { endingBefore } : startingAfter ? { startingAfter } : {}),
      }),
      deps.queries.paymentTotals(search),
    ]);
    const params = new URLSearchParams();
    for (const name of ['q', 'status', 'connector', 'method', 'currency', 'from', 'to', 'min', 'max']) {
      const v = param(q, name);
      if (v !== undefined) params.set(name, v);
    }
    const filters = html`<form class="filters card" method="get" action="/dashboard/payments">
<label>${t.search}<input type="search" name="q" value="${param(q, 'q') ?? ''}" placeholder="${t.searchHint}" size="34" dir="auto"></label>
${select(
  'status',
  t.status,
  param(q, 'status'),
  PAYMENT_STATUSES.map((s) => [s, c[`status_${s}`] ?? s]),
  c.all ?? '',
)}
${select(
  'connector',
  t.connector,
  param(q, 'connector'),
  deps.connectors.ids().map((id) => [id, id]),
  c.all ?? '',
)}
${select(
  'method',
  t.method,
  param(q, 'method'),
  PAYMENT_METHODS.map((m) => [m, m]),
  c.all ?? '',
)}
${select(
  'currency',
  t.currency,
  param(q, 'currency'),
  Object.keys(CURRENCY_EXPONENTS).map((x) => [x, x]),
  c.all ?? '',
)}
<label>${t.from}<input type="date" name="from" value="${param(q, 'from') ?? ''}"></label>
<label>${t.to}<input type="date" name="to" value="${param(q, 'to') ?? ''}"></label>
<label>${t.min}<input type="text" inputmode="decimal" name="min" value="${param(q, 'min') ?? ''}" size="8" dir="ltr"></label>
<label>${t.max}<input type="text" inputmode="decimal" name="max" value="${param(q, 'max') ?? ''}" size="8" dir="ltr"></label>
<button type="submit">${t.apply}</button> <a class="button quiet" href="/dashboard/payments">${t.clear}</a>
</form>`;
    const rows = page.data.map(
      (p) => html`<tr>
<td>${when(viewer, p.createdAt)}</td>
<td><a href="/dashboard/payments/${p.id}">${code(p.id)}</a></td>
<td>${p.reference ? code(p.reference) : ''}</td>
<td><bdi>${customerText(p)}</bdi></td>
<td>${p.paymentMethod}</td><td>${p.connector}</td>
<td>${badge(viewer, p.status)}</td>
<td class="num">${money(p.amount, p.currency)}</td></tr>`,
    );
    const body = html`<h1>${t.title}</h1>${filters}
${errors.map((e) => html`<div class="notice bad">${e}</div>`)}
<p class="muted" id="totals">${fill(t.totals, { count: totals.count })}${totals.byCurrency.map((x) => html` · ${money(x.amount, x.currency)}`)}</p>
${
  page.data.length === 0
    ? html`<div class="card muted">${c.none}</div>`
    : html`<table><thead><tr><th>${t.created}</th><th>${t.id}</th><th>${t.reference}</th><th>${t.customer}</th><th>${t.method}</th><th>${t.connector}</th><th>${t.status}</th><th class="num">${t.amount}</th></tr></thead><tbody>${rows}</tbody></table>`
}
${pager(viewer, '/dashboard/payments', params, {
  ...(page.data[0] ? { first: page.data[0].id } : {}),
  ...(page.data.at(-1) ? { last: page.data.at(-1)?.id as string } : {}),
  hasMore: page.hasMore,
  backwards: endingBefore !== undefined,
  paged: startingAfter !== undefined,
})}`;
    return sendPage(reply, shell(viewer, t.title, 'payments', body));
  });

  app.get('/payments/:id', async (request, reply) => {
    const viewer = viewerOf(request);
    const { id } = request.params as { id: string };
    const payment = await deps.payment.payments.get(viewer.user.accountId, viewer.session.mode, id);
    if (!payment) throw new PageError('not_found');
    return sendPage(reply, await paymentPage(deps, viewer, payment, request.query));
  });
}

/** What the action just done came to, from the payment as it is now (never text from the URL). */
function doneNotice(
  viewer: Viewer,
  p: Payment,
  refunds: readonly Refund[],
  done: string | undefined,
): string | undefined {
  const t = strings(PAYMENTS, viewer.lang);
  const c = strings(COMMON, viewer.lang) as Readonly<Record<string, string>>;
  const label = (s: string) => c[`status_${s}`] ?? s;
  const last = refunds.at(-1);
  if (done === 'refund' && last) return fill(t.doneRefund, { id: last.id, status: label(last.status) });
  if (done === 'cancel') return fill(t.doneCancel, { status: label(p.status) });
  if (done === 'reconcile') return fill(t.doneReconcile, { status: label(p.status) });
  if (done === 'redeliver') return t.doneRedeliver;
  return undefined;
}

function maskNationalId(id: string): string {
  return id.length <= 3 ? '•••' : `${'•'.repeat(Math.min(8, id.length - 3))}${id.slice(-3)}`;
}

async function paymentPage(deps: DashboardDeps, viewer: Viewer, p: Payment, query: unknown): Promise<string> {
  const t = strings(PAYMENTS, viewer.lang);
  const { accountId } = viewer.user;
  const mode = viewer.session.mode;
  const refunds = await deps.payment.refunds.listForPayment(p.id);
  const events: DomainEvent[] = [];
  for (const objectId of [p.id, ...refunds.map((r) => r.id)]) {
    events.push(...(await deps.events.list({ accountId, mode, objectId, limit: 100 })).data);
  }
  const [notifications, returns, deliveries] = await Promise.all([
    deps.queries.notificationsForPayment(p.id),
    deps.payment.customerReturns.listForPayment(p.id),
    deps.queries.deliveriesForEvents(
      accountId,
      mode,
      events.map((e) => e.id),
    ),
  ]);
  const notice = doneNotice(viewer, p, refunds, param(query, 'done'));
  const customer = p.customer;
  const facts = html`<dl class="facts">
<dt>${t.amount}</dt><dd>${money(p.amount, p.currency)}</dd>
<dt>${t.status}</dt><dd>${badge(viewer, p.status)}</dd>
${p.amountRefunded > 0 ? html`<dt>${t.refunded}</dt><dd>${money(p.amountRefunded, p.currency)}</dd>` : ''}
${p.amountRefundPending > 0 ? html`<dt>${t.refundPending}</dt><dd>${money(p.amountRefundPending, p.currency)}</dd>` : ''}
<dt>${t.method}</dt><dd>${p.paymentMethod}</dd>
<dt>${t.connector}</dt><dd>${p.connector}</dd>
<dt>${t.providerId}</dt><dd>${code(p.providerPaymentId)}</dd>
<dt>${t.providerStatus}</dt><dd>${code(p.providerStatus)}</dd>
<dt>${t.reference}</dt><dd>${code(p.reference)}</dd>
<dt>${t.description}</dt><dd><bdi>${p.description ?? '—'}</bdi></dd>
<dt>${t.created}</dt><dd>${when(viewer, p.createdAt, true)}</dd>
${p.expiresAt !== null && p.status === 'requires_action' ? html`<dt>${t.expires}</dt><dd>${when(viewer, p.expiresAt)}</dd>` : ''}
${p.failureCode ? html`<dt>${t.failure}</dt><dd>${code(p.failureCode)} ${p.failureMessage ?? ''}</dd>` : ''}
<dt>${t.returnUrl}</dt><dd>${code(p.returnUrl)}</dd>
</dl>`;
  const customerCard = customer
    ? html`<dl class="facts">
${customer.name ? html`<dt>${t.name}</dt><dd><bdi>${customer.name}</bdi></dd>` : ''}
${customer.email ? html`<dt>${t.email}</dt><dd>${code(customer.email)}</dd>` : ''}
${customer.phone ? html`<dt>${t.phone}</dt><dd>${code(customer.phone)}</dd>` : ''}
${customer.nationalId ? html`<dt>${t.nationalId}</dt><dd>${code(maskNationalId(customer.nationalId))}</dd>` : ''}
</dl>`
    : html`<p class="muted">${t.noCustomer}</p>`;
  const meta = Object.entries(p.metadata);
  const metaCard =
    meta.length === 0
      ? html`<p class="muted">${t.noMetadata}</p>`
      : html`<dl class="facts">${meta.map(([k, v]) => html`<dt>${code(k)}</dt><dd><bdi>${v}</bdi></dd>`)}</dl>`;
  const parts =
    p.parts.length === 0
      ? ''
      : html`<h2>${t.parts}</h2><table><thead><tr><th>${t.payer}</th><th>${t.status}</th><th>${t.paidWith}</th><th>${t.paidAt}</th><th class="num">${t.amount}</th></tr></thead><tbody>${p.parts.map(
          (part) =>
            html`<tr><td><bdi>${part.name}</bdi></td><td>${badge(viewer, part.status)}</td><td>${part.method ?? '—'}</td><td>${part.paidAt !== null ? when(viewer, part.paidAt) : '—'}</td><td class="num">${money(part.amount, p.currency)}</td></tr>`,
        )}</tbody></table>`;
  const refundsTable =
    refunds.length === 0
      ? ''
      : html`<h2>${t.refundsOfPayment}</h2><table><thead><tr><th>${t.created}</th><th>${t.refundId}</th><th>${t.status}</th><th>${t.reasonColumn}</th><th class="num">${t.amount}</th></tr></thead><tbody>${refunds.map(
          (r) =>
            html`<tr><td>${when(viewer, r.createdAt)}</td><td>${code(r.id)}</td><td>${badge(viewer, r.status)}</td><td><bdi>${r.reason ?? ''}</bdi></td><td class="num">${money(r.amount, r.currency)}</td></tr>`,
        )}</tbody></table>`;
  const body: SafeHtml = html`<p class="small"><a class="back" href="/dashboard/payments">${t.title}</a></p>
<h1>${t.payment} ${code(p.id)} ${badge(viewer, p.status)}</h1>
${notice ? html`<div class="notice ok" role="status">${notice}</div>` : ''}
<div class="grid">
<section class="card"><h2>${t.overview}</h2>${facts}</section>
<section class="card"><h2>${t.customer}</h2>${customerCard}<h2>${t.metadata}</h2>${metaCard}</section>
<section class="card"><h2>${t.actions}</h2>${paymentActions(deps, viewer, p)}</section>
</div>
${parts}${refundsTable}
<h2>${t.timeline}</h2>
<div class="card">${timeline(viewer, p, { refunds, events, notifications, returns, deliveries })}</div>`;
  return shell(viewer, `${t.payment} ${p.id}`, 'payments', body);
}
