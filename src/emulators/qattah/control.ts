import type { EmulatorClock } from '../kit/clock.ts';
import { type BaseControl, baseControl } from '../kit/control.ts';
import type { FaultQueue } from '../kit/faults.ts';
import type { DeliveryRecord } from '../kit/notifier.ts';
import { orderView } from './api.ts';
import type { Merchant, MerchantInput, MerchantRegistry } from './merchants.ts';
import type { QattahNotifier } from './notify.ts';
import type { RequestLog, RequestRecord } from './request-log.ts';
import type { Order, PayError, PaymentBrand, QattahState, ShareInput, SplitError, WindowStart } from './state.ts';

export const FAULT_OPERATIONS = ['create', 'retrieve', 'refund', 'cancel'] as const;

/** The order as `GET /orders/{id}` shows it, plus what only the emulator knows under `_emulator`. */
export type OrderView = ReturnType<typeof orderView> & {
  _emulator: { lang: string; theme: string; created_at: string; deadline: string | null; page_url: string };
};

export type SplitRequest = { shares: ShareInput[] } | { people: number };

export type ControlResult =
  | { ok: true; order: OrderView }
  | { ok: false; error: SplitError | PayError | 'invalid_request'; message?: string };

export type QattahControl = BaseControl & {
  /** `timed_out`: orders whose 15-minute window the move passed. */
  advanceClock(ms: number): { now: string; timed_out: string[] };
  /** Times out every open order past its window; returns their ids. */
  expireDue(): string[];
  listOrders(): OrderView[];
  getOrder(id: string): OrderView | undefined;
  /** What the initiator does on the hosted page: custom shares (decimal strings) or N equal ones. */
  split(id: string, request: SplitRequest): ControlResult;
  /** What a payer does on a share's page. */
  pay(orderId: string, invoiceId: string, brand: PaymentBrand): ControlResult;
  /** Every callback copy sent, being sent or failed, with its attempts. */
  callbacks(): DeliveryRecord[];
  /** The merchant API requests, oldest first, each with the form of `Authorization` it used. */
  requests(): RequestRecord[];
  settings(): { window_starts: WindowStart };
  /** When new orders' 15-minute windows start: at creation (default) or at their first payer. */
  updateSettings(patch: { window_starts?: WindowStart }): { window_starts: WindowStart };
  createMerchant(input?: MerchantInput): Merchant;
  listMerchants(): Merchant[];
  /** Forgets orders, faults, callbacks, extra merchants; rewinds the clock. The first token stays. */
  reset(): void;
};

export type ControlDeps = {
  state: QattahState;
  clock: EmulatorClock;
  faults: FaultQueue;
  merchants: MerchantRegistry;
  notifier: QattahNotifier;
  requests: RequestLog;
  baseUrl(): string;
};

export function createControl(deps: ControlDeps): QattahControl {
  const { state, clock, faults, merchants, notifier } = deps;

  function view(order: Order): OrderView {
    return {
      ...orderView(order, merchants, clock.now()),
      _emulator: {
        lang: order.lang,
        theme: order.theme,
        created_at: new Date(order.createdAt).toISOString(),
        deadline: order.deadline === null ? null : new Date(order.deadline).toISOString(),
        page_url: `${deps.baseUrl()}/${order.id}`,
      },
    };
  }

  return {
    ...baseControl(clock, faults),
    advanceClock(ms) {
      clock.advance(ms);
      return { now: clock.nowIso(), timed_out: state.sweep() };
    },
    expireDue: () => state.sweep(),
    listOrders: () => state.list().map(view),
    getOrder(id) {
      const order = state.get(id);
      return order && view(order);
    },
    split(id, request) {
      const result = 'people' in request ? state.splitEqual(id, request.people) : state.splitCustom(id, request.shares);
      return result.ok ? { ok: true, order: view(result.order) } : result;
    },
    pay(orderId, invoiceId, brand) {
      const result = state.pay(orderId, invoiceId, brand);
      return result.ok ? { ok: true, order: view(result.order) } : result;
    },
    callbacks: () => notifier.records(),
    requests: () => deps.requests.list(),
    settings: () => ({ window_starts: state.windowStart() }),
    updateSettings(patch) {
      if (patch.window_starts !== undefined) state.setWindowStart(patch.window_starts);
      return { window_starts: state.windowStart() };
    },
    createMerchant: (input) => merchants.create(input),
    listMerchants: () => merchants.list(),
    reset() {
      state.reset();
      faults.clear();
      notifier.reset();
      deps.requests.reset();
      merchants.reset();
      clock.reset();
    },
  };
}
