import type { FastifyInstance } from 'fastify';
import type { PeriodFigures } from '../../../core/dashboard-ports.ts';
import { formatMoney, utcOffsetMinutes } from '../../kit/format.ts';
import { html, type SafeHtml } from '../../kit/html.ts';
import { fill, strings } from '../../kit/i18n.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { LISTS } from '../i18n/lists.ts';
import { shell } from '../layout.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { money, param } from '../ui.ts';

const PERIODS = [7, 30, 90];
const DAY_MS = 86_400_000;

/** Captured volume per day of the busiest currency, as an inline SVG bar chart (no script, no network). */
function chart(viewer: Viewer, figures: PeriodFigures, days: string[]): SafeHtml {
  const t = strings(LISTS, viewer.lang);
  const top = [...figures.captured].sort((a, b) => b.amount - a.amount)[0];
  if (!top) return html`<p class="muted">${t.noVolume}</p>`;
  const values = days.map((d) => figures.daily.find((x) => x.day === d && x.currency === top.currency)?.amount ?? 0);
  const max = Math.max(...values, 1);
  // Drawn at about the size it is shown (the card is up to ~78rem wide): 12px text stays 12px.
  const width = 960;
  const height = 200;
  const pad = 28;
  const step = (width - pad * 2) / values.length;
  const bars = values.map((v, i) => {
    const h = Math.round(((height - pad * 2) * v) / max);
    const x = pad + i * step + 1;
    return html`<rect class="bar" x="${x.toFixed(1)}" y="${height - pad - h}" width="${Math.max(1, step - 2).toFixed(1)}" height="${h}"><title>${days[i]}: ${formatMoney(v, top.currency)}</title></rect>`;
  });
  const label = (i: number) =>
    html`<text x="${(pad + i * step + step / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle">${(days[i] ?? '').slice(5)}</text>`;
  const ticks = [0, Math.floor(values.length / 2), values.length - 1].filter((v, i, a) => a.indexOf(v) === i);
  return html`<h2>${fill(t.chartTitle, { currency: top.currency })}</h2>
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${fill(t.chartTitle, { currency: top.currency })}" direction="ltr">
<line class="axis" x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}"></line>
<text x="${pad}" y="14">${formatMoney(max, top.currency)}</text>
${bars}${ticks.map(label)}</svg>`;
}

/** The home page: figures of the chosen mode over a period, and a chart of captured volume. */
export function registerHomeRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get('/', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(LISTS, viewer.lang);
    const n = Number(param(request.query, 'days') ?? 30);
    const period = PERIODS.includes(n) ? n : 30;
    const now = deps.clock.now();
    const offset = utcOffsetMinutes(now, viewer.timeZone);
    // Whole days in the operator's zone, today included.
    const todayStart = Math.floor((now + offset * 60_000) / DAY_MS) * DAY_MS - offset * 60_000;
    const from = todayStart - (period - 1) * DAY_MS;
    const figures = await deps.queries.figures(viewer.user.accountId, viewer.session.mode, from, now + 1, offset);
    const days = Array.from({ length: period }, (_, i) =>
      new Date(from + offset * 60_000 + i * DAY_MS).toISOString().slice(0, 10),
    );
    const rate = figures.settled === 0 ? '—' : `${Math.round((figures.succeeded / figures.settled) * 1000) / 10}%`;
    const sums = (rows: PeriodFigures['captured']) =>
      rows.length === 0 ? html`—` : rows.map((r, i) => html`${i ? html`<br>` : ''}${money(r.amount, r.currency)}`);
    const figure = (label: string, value: unknown, note?: string) =>
      html`<div class="card figure"><div class="label">${label}</div><div class="value">${value}</div>${note ? html`<div class="small muted">${note}</div>` : ''}</div>`;
    const body = html`<h1>${t.homeTitle}</h1>
<form method="get" action="/dashboard" class="filters card"><label>${t.period}<select name="days">${PERIODS.map(
      (p) => html`<option value="${p}"${p === period ? html` selected` : ''}>${fill(t.days, { n: p })}</option>`,
    )}</select></label><button type="submit">${t.show}</button></form>
<div class="grid">
${figure(t.captured, sums(figures.captured), fill(t.capturedCount, { n: figures.captured.reduce((a, b) => a + b.count, 0) }))}
${figure(t.successRate, rate, fill(t.successOf, { ok: figures.succeeded, all: figures.settled }))}
${figure(t.refunded, sums(figures.refunds))}
${figure(t.failedWebhooks, figures.failedDeliveries)}
${figure(t.waiting, html`<a href="/dashboard/payments?status=processing">${figures.waiting}</a>`)}
</div>
<div class="card">${chart(viewer, figures, days)}</div>`;
    return sendPage(reply, shell(viewer, t.homeTitle, 'home', body));
  });
}
