/**
 * The shares of a split-bill payment: how the provider's latest list of shares is merged into
 * what Bawaba already knows, so late or reordered news never un-pays a share or drops one.
 */
import type { ProviderPaymentPart } from '../connector-contract.ts';
import type { PaymentPart, PaymentPartStatus } from './payment.ts';

/** How far along a share is: news can only move a share forward. */
const RANK: Readonly<Record<PaymentPartStatus, number>> = { pending: 0, expired: 1, paid: 1, refunded: 2 };

/** Moves a share may make on the provider's word; anything else is stale news. */
function mayMove(from: PaymentPartStatus, to: PaymentPartStatus): boolean {
  if (from === to) return false;
  // An expired share the provider then reports paid was paid: money is never ignored.
  if (from === 'expired' && to === 'paid') return true;
  return RANK[to] > RANK[from] && !(from === 'paid' && to === 'expired');
}

/** What merging the provider's shares into the stored ones gave. */
export type PartsMerge =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'changed'; readonly parts: readonly PaymentPart[] }
  /** The shares do not add up to the payment's amount: nothing of them is recorded. */
  | { readonly kind: 'mismatch'; readonly total: number };

/**
 * Merges the provider's current shares into the stored ones. Before anyone pays, the bill may
 * be split again: the provider's list replaces the stored one. Once a share is paid, a list
 * without it is stale (it predates the payment) and only the shares both lists name move, and
 * only forward. `paidAt` is stamped with `now` when a share is first seen paid.
 */
export function mergeParts(
  stored: readonly PaymentPart[],
  reported: readonly ProviderPaymentPart[],
  paymentAmount: number,
  now: number,
): PartsMerge {
  // Nobody can un-split a bill: an empty list after a split is older news.
  if (reported.length === 0 && stored.length > 0) return { kind: 'unchanged' };
  if (reported.length > 0) {
    const total = reported.reduce((sum, p) => sum + p.amount, 0);
    if (total !== paymentAmount) return { kind: 'mismatch', total };
  }
  const byId = new Map(reported.map((p) => [p.providerPartId, p]));
  const settled = stored.filter((p) => p.status !== 'pending');
  const replaces = settled.every((p) => byId.has(p.id));
  let changed = false;
  const merged: PaymentPart[] = [];
  if (replaces) {
    const storedById = new Map(stored.map((p) => [p.id, p]));
    for (const r of reported) {
      const before = storedById.get(r.providerPartId);
      if (!before) {
        changed = true;
        merged.push(fresh(r, now));
        continue;
      }
      const next = advance(before, r, now);
      if (next !== before) changed = true;
      merged.push(next);
    }
    if (stored.length !== reported.length) changed = true;
  } else {
    for (const before of stored) {
      const r = byId.get(before.id);
      const next = r ? advance(before, r, now) : before;
      if (next !== before) changed = true;
      merged.push(next);
    }
  }
  return changed ? { kind: 'changed', parts: merged } : { kind: 'unchanged' };
}

function fresh(r: ProviderPaymentPart, now: number): PaymentPart {
  return {
    id: r.providerPartId,
    name: r.name,
    amount: r.amount,
    status: r.status,
    method: r.method,
    paidAt: r.status === 'paid' || r.status === 'refunded' ? now : null,
  };
}

function advance(before: PaymentPart, r: ProviderPaymentPart, now: number): PaymentPart {
  const moves = mayMove(before.status, r.status);
  // A share still pending may be renamed or re-priced by a new split with the same ids.
  const edited = before.status === 'pending' && (before.name !== r.name || before.amount !== r.amount);
  if (!moves && !edited && !(r.method !== null && before.method === null)) return before;
  const status = moves ? r.status : before.status;
  return {
    ...before,
    name: before.status === 'pending' ? r.name : before.name,
    amount: before.status === 'pending' ? r.amount : before.amount,
    status,
    method: before.method ?? r.method,
    paidAt: before.paidAt ?? (status === 'paid' || status === 'refunded' ? now : null),
  };
}

/** Shares that became paid between two versions of a payment, in the order they were paid. */
export function newlyPaid(before: readonly PaymentPart[], after: readonly PaymentPart[]): PaymentPart[] {
  const was = new Map(before.map((p) => [p.id, p.status]));
  return after.filter((p) => p.status === 'paid' && was.get(p.id) !== 'paid' && was.get(p.id) !== 'refunded');
}

/** A full refund refunds every paid share. */
export function refundAllParts(parts: readonly PaymentPart[]): readonly PaymentPart[] {
  return parts.map((p) => (p.status === 'paid' ? { ...p, status: 'refunded' as const } : p));
}
