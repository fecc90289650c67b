/**
 * The report `npm run bench` prints: the summary of figures against their goals, one row per
 * phase, PostgreSQL's per-table counters, notes computed from the figures, and the checks.
 */
import { availableParallelism } from 'node:os';
import type { CheckoutSamples } from './bench-checkout.ts';
import type { Checks } from './bench-checks.ts';
import { CONNECTOR_BENCHES, CONNECTORS, type ConnectorId } from './bench-connectors.ts';
import {
  CONCURRENCY,
  CONNECTOR_SECONDS,
  DATABASE_KIND,
  NODES,
  SECONDS,
  SMOKE,
  WEBHOOK_EVENTS,
} from './bench-options.ts';
import { percentile, type RunResult } from './load.ts';
import type { TableStats } from './store.ts';

/** What one measured phase cost and how it went. */
export interface Phase {
  readonly label: string;
  readonly concurrency: number;
  readonly result: RunResult;
  /** Gateway CPU (all nodes), ms: during the phase, and until its aftermath settled. */
  readonly gatewayCpuMs: number;
  readonly gatewayCpuSettledMs: number;
  readonly emulatorCpuMs: number;
  readonly emulatorCpuSettledMs: number;
  /** This process's CPU (load generator and receiver) during the phase, ms. */
  readonly benchCpuMs: number;
  /** A local PostgreSQL server's CPU during the phase, ms (undefined: SQLite, or not on this machine). */
  readonly databaseCpuMs: number | undefined;
  /** How long after the phase its notifications and deliveries took to settle, ms. */
  readonly settleMs: number;
  /** When the measured run began and ended, epoch ms. */
  readonly window: { readonly from: number; readonly to: number };
  /** PostgreSQL's per-table counters over the measured run, when asked for. */
  readonly tables?: Map<string, TableStats>;
  /** Reconciliations of earlier payments that came due during the measured run. */
  readonly reconcilesDue: number;
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
export const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
export const rate = (p: Phase) => p.result.succeeded / p.result.seconds;
export const mib = (kb: number | undefined) => (kb === undefined ? '-' : `${(kb / 1024).toFixed(0)} MiB`);

export const goals: { figure: string; met: boolean }[] = [];
function verdict(figure: string, met: boolean | undefined): string {
  if (met === undefined || SMOKE) return '';
  goals.push({ figure, met });
  return met ? 'met' : 'MISSED';
}

/** The gateway's answer times (emulator-timed, ms) to notifications sent during `phase`, sorted. */
function hookAnswers(checks: Checks, phase: Phase): number[] {
  const { from, to } = phase.window;
  return checks.hookAttempts
    .filter((a) => a.at >= from && a.at <= to)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
}

/** What the figures imply, computed from them. */
function notes(p: Phases, checks: Checks): string[] {
  const out: string[] = [];
  const { lifecycles: l, gateway16: g } = p;
  const during = l ? hookAnswers(checks, l) : [];
  if (l && during.length > 0) {
    const total = during.reduce((a, b) => a + b, 0);
    const mean = total / during.length;
    const inFlight = total / (l.window.to - l.window.from);
    out.push(
      `The emulator sends a payment's notifications in order (the next after the gateway answered the last) and different payments' side by side, at most 32 at once per URL; 3 per lifecycle. During the lifecycles ${during.length} notifications took ${f2(mean)} ms each on average to be answered (the emulator's whole-ms timing), ${inFlight.toFixed(1)} in flight on average.`,
    );
  }
  if (g && g.settleMs > 1000) {
    out.push(
      `After the c=${g.concurrency} creates, the payment_pending notifications they caused took ${(g.settleMs / 1000).toFixed(1)} s more to reach the gateway.`,
    );
  }
  out.push(
    'Every payment still open 30 s after its creation is reconciled (a GET at the provider, then every minute): the create phases leave theirs for after the run, so their CPU per create does not include it; "reconciles due" counts those of earlier phases falling due in a run.',
  );
  const machine = (ph: Phase) => ((ph.gatewayCpuMs / (ph.result.seconds * 1000)) * 100).toFixed(0);
  const loaded = [
    ...(g ? [`${machine(g)} % of one core during the c=${g.concurrency} creates`] : []),
    ...(l ? [`${machine(l)} % during the lifecycles`] : []),
  ];
  if (loaded.length > 0) {
    out.push(
      `Gateway CPU while loaded${NODES > 1 ? ` (${NODES} nodes together)` : ''}: ${loaded.join(', ')} (one event loop per process; above 100 % is GC and I/O threads).`,
    );
  }
  return out;
}

/** PostgreSQL's counters per operation of a phase, busiest tables first (nothing on SQLite). */
function tableReport(phase: Phase): string[] {
  if (!phase.tables) return [];
  const n = phase.result.succeeded || 1;
  const per = (v: number) => (v / n).toFixed(2);
  const rows = [...phase.tables]
    .map(([table, t]) => ({ table, t, work: t.seqScans + t.indexScans + t.inserted + t.updated + t.deleted }))
    .filter((r) => r.work > 0)
    .sort((a, b) => b.work - a.work)
    .map(({ table, t }) => [
      table,
      per(t.inserted),
      per(t.updated),
      per(t.deleted),
      per(t.indexScans),
      per(t.seqScans),
      per(t.seqRowsRead),
    ]);
  return [
    `PostgreSQL per lifecycle (pg_stat_user_tables of the bench schema, over the measured run):`,
    '',
    table([['table', 'rows inserted', 'updated', 'deleted', 'index scans', 'seq scans', 'rows seq-read'], ...rows]),
    '',
  ];
}

/** ", PostgreSQL server x ms" per operation of a phase, when measured. */
function pgPer(phase: Phase): string {
  if (phase.databaseCpuMs === undefined) return '';
  return `; PostgreSQL server ${f2(phase.databaseCpuMs / phase.result.succeeded)} ms`;
}

/** The measured phases by name; `lifecycles` goes through Checkout.com, `tap`, `qattah` and `akurateco` through theirs. */
export type Phases = Partial<
  Record<
    | 'direct1'
    | 'gateway1'
    | 'direct16'
    | 'gateway16'
    | 'lifecycles'
    | 'hello'
    | 'floor1'
    | 'floor16'
    | 'checkout'
    | Exclude<ConnectorId, 'checkout_com'>,
    Phase
  >
>;

/** One row of the summary: its figure, or "(not run)" when a phase it needs was left out. */
function row(
  figure: string,
  goal: string,
  needs: readonly (Phase | undefined)[],
  measure: () => { text: string; met?: boolean; goalName?: string },
): string[] {
  if (needs.some((phase) => phase === undefined || phase.result.succeeded === 0)) {
    return [figure, '(not run)', goal, ''];
  }
  const { text, met, goalName } = measure();
  return [figure, text, goal, goalName === undefined ? '' : verdict(goalName, met)];
}

export interface ReportInput {
  readonly databaseLabel: string;
  /** Every phase run, in order. */
  readonly phases: readonly Phase[];
  readonly p: Phases;
  /** From the emulator's completion call answered to `payment.captured` at the receiver (Checkout.com lifecycles), ms. */
  readonly webhookAfterCompletion: readonly number[];
  /** The checkout phase's steps, ms (test/load/bench-checkout.ts). */
  readonly checkout: CheckoutSamples;
  readonly checks: Checks;
  readonly rss: { idle: (number | undefined)[]; end: (number | undefined)[]; idleCpuShare: number };
}

export function report({
  databaseLabel,
  phases,
  p,
  webhookAfterCompletion,
  checkout,
  checks,
  rss,
}: ReportInput): string {
  const lat = (phase: Phase | undefined, q: number) => (phase ? percentile(phase.result.latencies, q) : Number.NaN);
  const per = (phase: Phase, ms: number) => ms / (phase.result.succeeded || 1);
  const c = CONCURRENCY;
  const perNode = NODES > 1 ? ` (${NODES} nodes)` : '';
  const lifecycleGoal = DATABASE_KIND === 'sqlite' ? 300 : 150;
  const after = [...webhookAfterCompletion].sort((a, b) => a - b);
  const fromNotification = checks.webhookAfterNotification;
  const { direct1, gateway1, direct16, gateway16, lifecycles, hello } = p;
  /** The gateway's latency at `pct` over the emulator's, against at most `goalMs`. */
  const addedLatency = (pct: number, goalMs: number) => {
    const added = lat(gateway1, pct) - lat(direct1, pct);
    return {
      text: `+${f2(added)} ms (gateway ${f2(lat(gateway1, pct))}, emulator ${f2(lat(direct1, pct))})`,
      met: added <= goalMs,
      goalName: `added p${pct}`,
    };
  };
  const rows: string[][] = [
    ['figure', 'measured', 'goal', ''],
    row('added latency POST /v1/payments vs straight to the emulator, c=1, p50', '≤ 2 ms', [gateway1, direct1], () =>
      addedLatency(50, 2),
    ),
    row('added latency, c=1, p99', '≤ 10 ms', [gateway1, direct1], () => addedLatency(99, 10)),
    row(`creates/s at c=${c}: gateway vs straight to the emulator${perNode}`, '≥ 50 %', [gateway16, direct16], () => {
      const g = gateway16 as Phase;
      const d = direct16 as Phase;
      const ratio = rate(g) / rate(d);
      return {
        text: `${rate(g).toFixed(0)} vs ${rate(d).toFixed(0)} = ${(ratio * 100).toFixed(0)} %`,
        met: ratio >= 0.5,
        goalName: 'create ratio',
      };
    }),
    row(
      'Bawaba Checkout at c=1, p50 / p99: session created; page opened; QPay chosen (its payment made at the provider)',
      '(shown)',
      [p.checkout],
      () => {
        const steps = [checkout.session, checkout.page, checkout.choose].map((samples) => {
          const sorted = [...samples].sort((a, b) => a - b);
          return `${f2(percentile(sorted, 50))} / ${f2(percentile(sorted, 99))}`;
        });
        const bare = gateway1 ? `; a bare create ${f2(lat(gateway1, 50))} / ${f2(lat(gateway1, 99))}` : '';
        return { text: `${steps.join('; ')} ms${bare}` };
      },
    ),
    row('gateway CPU per create', '≤ 0.6 ms', [gateway16], () => {
      const g = gateway16 as Phase;
      const cpu = per(g, g.gatewayCpuMs);
      return {
        text: `${f2(cpu)} ms (${f2(per(g, g.gatewayCpuSettledMs))} ms with its payment_pending notifications)${pgPer(g)}`,
        met: cpu <= 0.6,
        goalName: 'cpu per create',
      };
    }),
    row(`full lifecycles/s at c=${c}${perNode}`, `≥ ${lifecycleGoal}`, [lifecycles], () => {
      const l = lifecycles as Phase;
      return {
        text: `${rate(l).toFixed(0)} (${l.result.succeeded} in ${l.result.seconds.toFixed(1)} s)`,
        met: rate(l) >= lifecycleGoal,
        goalName: 'lifecycles/s',
      };
    }),
    row('gateway CPU per lifecycle', '≤ 3 ms', [lifecycles], () => {
      const l = lifecycles as Phase;
      const cpu = per(l, l.gatewayCpuMs);
      return {
        text: `${f2(cpu)} ms (${f2(per(l, l.gatewayCpuSettledMs))} ms settled)${pgPer(l)}`,
        met: cpu <= 3,
        goalName: 'cpu per lifecycle',
      };
    }),
    row(
      'notification → payment.captured at the receiver, from its arrival at the gateway: p50 / p99',
      'p99 < 100 ms',
      [lifecycles],
      () => ({
        text: `${f1(percentile(fromNotification, 50))} / ${f1(percentile(fromNotification, 99))} ms (max ${f1(fromNotification.at(-1) ?? Number.NaN)}; the gateway's received_at, ms clock)`,
        met: percentile(fromNotification, 99) < 100,
        goalName: 'webhook p99',
      }),
    ),
    row("  the same from the emulator's completion call answered: p50 / p99", '', [lifecycles], () => ({
      text: `${f1(percentile(after, 50))} / ${f1(percentile(after, 99))} ms (max ${f1(after.at(-1) ?? Number.NaN)}; includes the emulator's notification queue)`,
    })),
    row(
      "  the gateway's answer to a provider notification during the lifecycles, timed by the emulator: p50 / p99",
      '',
      [lifecycles],
      () => {
        const hooks = hookAnswers(checks, lifecycles as Phase);
        return { text: `${f1(percentile(hooks, 50))} / ${f1(percentile(hooks, 99))} ms (whole ms)` };
      },
    ),
    [`CPU per lifecycle through each provider at c=${c}, until all it caused settled: gateway / emulator`, '', '', ''],
    ...CONNECTORS.map((id) => {
      const { title, shares } = CONNECTOR_BENCHES[id];
      const phase = id === 'checkout_com' ? lifecycles : p[id];
      return row(`  ${title}`, '(shown)', [phase], () => {
        const ph = phase as Phase;
        const gateway = per(ph, ph.gatewayCpuSettledMs);
        const emulator = per(ph, ph.emulatorCpuSettledMs);
        const perShare = shares > 1 ? `; per share ${f2(gateway / shares)} / ${f2(emulator / shares)} ms` : '';
        return { text: `${f2(gateway)} / ${f2(emulator)} ms${perShare} (${rate(ph).toFixed(0)}/s)` };
      });
    }),
    [
      'gateway resident memory: idle / end',
      `${rss.idle.map(mib).join(', ')} / ${rss.end.map(mib).join(', ')}`,
      '(shown)',
      '',
    ],
    [
      `gateway CPU at idle${NODES > 1 ? ` (${NODES} nodes)` : ''}`,
      `${(rss.idleCpuShare * 100).toFixed(1)} % of a core`,
      '(shown)',
      '',
    ],
    row(`bare Fastify hello world req/s at c=${c}`, '(platform limit)', [hello], () => {
      const h = hello as Phase;
      return { text: `${rate(h).toFixed(0)} (its CPU ${f2(per(h, h.gatewayCpuMs))} ms per request)` };
    }),
    row(
      `the floor (test/load/floor-server.ts, the least a durable gateway does per create): CPU per create with its notification at c=${c}; creates/s at c=${c}; added latency at c=1, p50 / p99`,
      '(reference)',
      [p.floor1, p.floor16],
      () => {
        const f1 = p.floor1 as Phase;
        const f16 = p.floor16 as Phase;
        const share = direct16 ? ` = ${((rate(f16) / rate(direct16)) * 100).toFixed(0)} % of straight` : '';
        const added = direct1
          ? `+${f2(lat(f1, 50) - lat(direct1, 50))} / +${f2(lat(f1, 99) - lat(direct1, 99))} ms`
          : `${f2(lat(f1, 50))} / ${f2(lat(f1, 99))} ms (not added: no straight creates run)`;
        return { text: `${f2(per(f16, f16.gatewayCpuSettledMs))} ms; ${rate(f16).toFixed(0)}${share}; ${added}` };
      },
    ),
  ];

  const detail: string[][] = [
    [
      'phase',
      'ok',
      'failed',
      'per s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'CPU ms/op: gateway',
      'emulator',
      'load+receiver',
      'postgres',
      'machine busy',
      'settled after',
      'reconciles due',
    ],
  ];
  for (const ph of phases) {
    const r = ph.result;
    const n = r.succeeded || 1;
    detail.push([
      ph.label,
      String(r.succeeded),
      String(r.problems.total),
      rate(ph).toFixed(0),
      f2(percentile(r.latencies, 50)),
      f2(percentile(r.latencies, 90)),
      f2(percentile(r.latencies, 99)),
      f2(r.latencies.at(-1) ?? Number.NaN),
      ph.label.startsWith('Fastify')
        ? `(hello) ${f2(ph.gatewayCpuMs / n)}`
        : `${ph.label.startsWith('floor') ? '(floor) ' : ''}${f2(ph.gatewayCpuMs / n)}`,
      ph.label.startsWith('Fastify') ? '-' : f2(ph.emulatorCpuMs / n),
      f2(ph.benchCpuMs / n),
      ph.databaseCpuMs === undefined ? '-' : f2(ph.databaseCpuMs / n),
      `${((100 * (ph.gatewayCpuMs + ph.emulatorCpuMs + ph.benchCpuMs + (ph.databaseCpuMs ?? 0))) / (ph.result.seconds * 1000 * availableParallelism())).toFixed(0)} %`,
      ph.settleMs > 0 ? `${(ph.settleMs / 1000).toFixed(1)} s` : '-',
      ph.label.startsWith('gateway') || ph.label.startsWith('lifecycles') ? String(ph.reconcilesDue) : '-',
    ]);
  }

  return [
    '',
    `Bawaba bench — database: ${databaseLabel}${NODES > 1 ? `, ${NODES} gateway nodes (API requests round-robin; provider notifications to node 1; every node runs a worker)` : ''}; ${SECONDS} s per phase (${CONNECTOR_SECONDS} s for tap, qattah and akurateco); merchant endpoint subscribed to ${WEBHOOK_EVENTS.join(', ')}${SMOKE ? ' (smoke: goals not judged)' : ''}`,
    `This machine has ${availableParallelism()} CPU cores, shared by every process: emulators, gateway${NODES > 1 ? 's' : ''}, hello world, and this one (load generator and webhook receiver).`,
    '',
    table(rows),
    '',
    table(detail),
    '',
    ...(p.lifecycles ? tableReport(p.lifecycles) : []),
    'Notes:',
    ...notes(p, checks).map((l) => `  ${l}`),
    '',
    'Checks:',
    ...checks.lines.map((l) => `  ${l}`),
  ].join('\n');
}
