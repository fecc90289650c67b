import type { FastifyInstance, FastifyReply } from 'fastify';
import { formBody as readForm, see, sendPage } from '../kit/page.ts';
import { pickLang } from './page-text.ts';
import {
  renderInvoicePage,
  renderNotFound,
  renderResultPage,
  renderSharesPage,
  renderSplitPage,
  renderWaitingPage,
} from './pages.ts';
import {
  type Lang,
  type Order,
  PAYMENT_BRANDS,
  type PaymentBrand,
  type QattahState,
  type ShareInput,
} from './state.ts';

/** A urlencoded form: a field sent more than once becomes an array. */
export type FormBody = Record<string, string | string[] | undefined>;

type PageQuery = { Querystring: { lang?: string; rows?: string } };
type OrderParams = PageQuery & { Params: { id: string } };
type InvoiceParams = PageQuery & { Params: { id: string; inv: string } };
type SplitParams = PageQuery & { Params: { id: string; mode: string } };

const formBody = (body: unknown): FormBody => readForm<string | string[]>(body);

const all = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Pairs the repeated share_name / share_amount inputs, skipping rows left empty. */
export function sharesFromForm(form: FormBody): ShareInput[] {
  const names = all(form.share_name);
  const amounts = all(form.share_amount);
  const shares: ShareInput[] = [];
  for (let i = 0; i < Math.max(names.length, amounts.length); i++) {
    const name = (names[i] ?? '').trim();
    const amount = (amounts[i] ?? '').trim();
    if (name !== '' || amount !== '') shares.push({ name, amount });
  }
  return shares;
}

const isOpen = (order: Order): boolean => order.activityStatus === 'CREATED' || order.activityStatus === 'STARTED';

/** The hosted split page `links.redirect_to` opens, the share pages, and the forms they post. */
export async function hostedPageRoutes(app: FastifyInstance, options: { state: QattahState; now(): number }) {
  const { state } = options;

  function initiatorPage(reply: FastifyReply, order: Order, lang: Lang, rows = 4, error?: string): FastifyReply {
    if (order.activityStatus === 'PAID' && order.paymentStatus === 'PAID' && order.successUrl !== null) {
      return see(reply, order.successUrl);
    }
    if (!isOpen(order)) return sendPage(reply, 200, renderResultPage(order, lang));
    if (order.invoices.length === 0 || error !== undefined) {
      return sendPage(reply, error === undefined ? 200 : 422, renderSplitPage(order, lang, options.now(), error, rows));
    }
    return sendPage(reply, 200, renderSharesPage(order, lang, options.now()));
  }

  const rowsOf = (text: string | undefined): number => Math.min(20, Math.max(1, Number.parseInt(text ?? '4', 10) || 4));

  app.get<OrderParams>('/:id', async (request, reply) => {
    const order = state.get(request.params.id);
    if (!order) return sendPage(reply, 404, renderNotFound(pickLang(request.query.lang)));
    state.markStarted(order.id);
    return initiatorPage(reply, order, pickLang(request.query.lang, order.lang), rowsOf(request.query.rows));
  });

  app.post<SplitParams>('/:id/split/:mode', async (request, reply) => {
    const { id, mode } = request.params;
    const order = state.get(id);
    if (!order) return sendPage(reply, 404, renderNotFound(pickLang(request.query.lang)));
    const lang = pickLang(request.query.lang, order.lang);
    const form = formBody(request.body);
    if (mode !== 'equal' && mode !== 'custom') return sendPage(reply, 404, renderNotFound(lang));
    const result =
      mode === 'equal'
        ? state.splitEqual(id, Number(all(form.people)[0] ?? ''), lang)
        : state.splitCustom(id, sharesFromForm(form), lang);
    if (result.ok) return see(reply, `/${id}?lang=${lang}`);
    if (result.error === 'invalid_shares') return initiatorPage(reply, order, lang, 4, result.message);
    return initiatorPage(reply.code(409), order, lang);
  });

  app.get<InvoiceParams>('/:id/invoices/:inv', async (request, reply) => {
    const order = state.get(request.params.id);
    const invoice = order?.invoices.find((inv) => inv.id === request.params.inv);
    if (!order || !invoice) return sendPage(reply, 404, renderNotFound(pickLang(request.query.lang)));
    const lang = pickLang(request.query.lang, order.lang);
    if (isOpen(order) && invoice.paymentStatus === 'PENDING') {
      return sendPage(reply, 200, renderInvoicePage(order, invoice, lang, options.now()));
    }
    if (isOpen(order)) return sendPage(reply, 200, renderWaitingPage(order, invoice, lang));
    return sendPage(reply, 200, renderResultPage(order, lang));
  });

  app.post<InvoiceParams>('/:id/invoices/:inv/pay', async (request, reply) => {
    const { id, inv } = request.params;
    const order = state.get(id);
    if (!order) return sendPage(reply, 404, renderNotFound(pickLang(request.query.lang)));
    const lang = pickLang(request.query.lang, order.lang);
    const brand = all(formBody(request.body).brand)[0] ?? '';
    if (!PAYMENT_BRANDS.includes(brand as PaymentBrand)) return see(reply, `/${id}/invoices/${inv}?lang=${lang}`);
    const result = state.pay(id, inv, brand as PaymentBrand);
    if (!result.ok && result.error === 'invoice_not_found') return sendPage(reply, 404, renderNotFound(lang));
    // The payer of the last share goes to the merchant like the initiator (303, so a GET follows).
    if (result.ok && result.order.activityStatus === 'PAID' && result.order.successUrl !== null) {
      return see(reply, result.order.successUrl);
    }
    return see(reply, `/${id}/invoices/${inv}?lang=${lang}`);
  });
}
