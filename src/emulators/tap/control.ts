import type { EmulatorClock } from '../kit/clock.ts';
import { type NotifyingControl, notifyingControl } from '../kit/control.ts';
import type { FaultQueue } from '../kit/faults.ts';
import type { DeliveryRecord } from '../kit/notifier.ts';
import { pageUrl } from './api.ts';
import { chargeJson, refundJson } from './charge-json.ts';
import type { Merchant, MerchantInput, MerchantRegistry } from './merchants.ts';
import { minorToMajor } from './money.ts';
import type { TapNotifier } from './notify.ts';
import type { Outcome, RefundOutcome } from './outcomes.ts';
import { TEST_CARD } from './page-text.ts';
import { type Refund, type RefundSettlement, refundableAmount } from './refund-book.ts';
import { type Charge, cardBrand, type EventListener, type Settings, type TapState } from './state.ts';

export const FAULT_OPERATIONS = ['create', 'retrieve', 'refund'] as const;

type Json = Record<string, unknown>;

/** The charge as the API shows it, plus what only the emulator knows, under `_emulator`. */
export type ChargeView = Json & { id: string; status: string; _emulator: Json };

export type CompletionView =
  | { ok: true; status: string; tap_id: string; redirect_url: string | null }
  | { ok: false; error: 'charge_not_found' | 'charge_not_initiated'; status?: string };

export type RefundResult =
  | { ok: true; refund: Json }
  | { ok: false; error: 'refund_not_found' }
  | { ok: false; error: 'refund_not_pending'; refund: Json };

export type TapControl = NotifyingControl<DeliveryRecord> & {
  /** `abandoned`: charges whose window the move passed; `refunded`: refunds whose delay it passed. */
  advanceClock(ms: number): { now: string; abandoned: string[]; refunded: string[] };
  listCharges(): ChargeView[];
  getCharge(id: string): ChargeView | undefined;
  /** What the customer would do on the hosted page; approve uses the test card. */
  completeCharge(id: string, outcome: Outcome): CompletionView;
  /** Abandons every INITIATED charge whose window has passed; returns their ids. */
  expireDue(): string[];
  /** Refunds every PENDING refund whose `refundApprovalDelayMs` has passed; returns their ids. */
  approveDueRefunds(): string[];
  listRefunds(): Json[];
  settleRefund(id: string, outcome: RefundOutcome): RefundResult;
  settings(): Settings;
  updateSettings(patch: Partial<Settings>): Settings;
  onEvent(listener: EventListener): () => void;
  /** Another merchant account (own name and keys); throws TypeError on a malformed key or an empty name. */
  createMerchant(input?: MerchantInput): Merchant;
  listMerchants(): Merchant[];
  /** Charges, refunds, faults, notifications, clock and settings as at start; merchants back to the first. */
  reset(): void;
};

export type ControlParts = {
  state: TapState;
  clock: EmulatorClock;
  faults: FaultQueue;
  merchants: MerchantRegistry;
  notifier: TapNotifier;
  baseUrl(): string;
};

function refundView(refund: Refund): Json {
  const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  return {
    ...refundJson(refund, 'GET'),
    _emulator: {
      refunds_at: refund.status === 'PENDING' ? iso(refund.approveAt) : null,
      settled_at: iso(refund.settledAt),
    },
  };
}

function refundResult(settlement: RefundSettlement): RefundResult {
  if (settlement.ok) return { ok: true, refund: refundView(settlement.refund) };
  if (settlement.reason === 'not_found') return { ok: false, error: 'refund_not_found' };
  return { ok: false, error: 'refund_not_pending', refund: refundView(settlement.refund) };
}

export function createControl(parts: ControlParts): TapControl {
  const { state, clock, faults, merchants, notifier } = parts;
  const view = (charge: Charge): ChargeView => {
    const url = pageUrl(parts.baseUrl(), charge);
    return {
      ...(chargeJson(charge, 'GET', url) as ChargeView),
      _emulator: {
        page_url: url,
        expires_at: new Date(charge.expiresAt).toISOString(),
        refundable_amount: minorToMajor(refundableAmount(charge), charge.currency),
        refunds: charge.refunds.map(refundView),
      },
    };
  };
  const expireDue = () => state.sweepExpired().map((charge) => charge.id);
  const approveDueRefunds = () => state.sweepRefunds().map((refund) => refund.id);
  const testCard = { firstSix: TEST_CARD.slice(0, 6), lastFour: TEST_CARD.slice(-4), brand: cardBrand(TEST_CARD) };
  return {
    ...notifyingControl(clock, faults, notifier),
    advanceClock(ms) {
      clock.advance(ms);
      return { now: clock.nowIso(), abandoned: expireDue(), refunded: approveDueRefunds() };
    },
    listCharges: () => state.listCharges().map(view),
    getCharge(id) {
      const charge = state.getCharge(id);
      return charge && view(charge);
    },
    completeCharge(id, outcome) {
      const result = state.complete(id, outcome, outcome === 'cancel' ? undefined : testCard);
      if (result.ok) {
        return { ok: true, status: result.charge.status, tap_id: result.charge.id, redirect_url: result.redirectUrl };
      }
      if (result.reason === 'not_found') return { ok: false, error: 'charge_not_found' };
      return { ok: false, error: 'charge_not_initiated', status: result.charge.status };
    },
    expireDue,
    approveDueRefunds,
    listRefunds: () => state.listRefunds().map(refundView),
    settleRefund: (id, outcome) => refundResult(state.settleRefund(id, outcome)),
    settings: () => state.settings(),
    updateSettings: (patch) => state.updateSettings(patch),
    onEvent: (listener) => state.onEvent(listener),
    createMerchant: (input = {}) => merchants.create(input),
    listMerchants: () => merchants.list(),
    reset() {
      state.reset();
      faults.clear();
      notifier.reset();
      merchants.reset();
      clock.reset();
    },
  };
}
