import type { HashFields } from './hashstring.ts';
import { formatMajor, minorToMajor } from './money.ts';
import type { Refund } from './refund-book.ts';
import type { Charge } from './state.ts';

export const API_VERSION = 'V2';
/** The seed's charges are dated in Tap's (Kuwait) time zone. */
export const TIMEZONE = 'UTC+03:00';

/** `CREATE` in the answer to a create, `GET` when read back (as in the seed) and in notifications [I]. */
export type Method = 'CREATE' | 'GET';

type Json = Record<string, unknown>;

function customerJson(charge: Charge): Json {
  const { customer } = charge;
  // The seed's answer leaves out `middle_name` although the request had one.
  return {
    ...(charge.customerId !== undefined && { id: charge.customerId }),
    ...(customer.first_name !== undefined && { first_name: customer.first_name }),
    ...(customer.last_name !== undefined && { last_name: customer.last_name }),
    ...(customer.email !== undefined && { email: customer.email }),
    ...(customer.phone !== undefined && { phone: { ...customer.phone } }),
  };
}

function sourceJson(charge: Charge): Json {
  // Once a card was entered, the source says what kind of payment it became (captured seed).
  if (!charge.card) return { object: 'source', id: 'src_qa.qpay', on_file: false };
  return {
    object: 'source',
    type: 'CARD_NOT_PRESENT',
    payment_type: 'DEBIT',
    channel: 'INTERNET',
    id: 'src_qa.qpay',
    on_file: false,
    payment_method: 'QPAY',
  };
}

function cardJson(charge: Charge): Json | undefined {
  if (!charge.card) return undefined;
  return {
    object: 'card',
    first_six: charge.card.firstSix,
    first_eight: '',
    scheme: 'NAPS',
    brand: charge.card.brand,
    type: 'DEBIT',
    last_four: charge.card.lastFour,
    name: '',
    expiry: {},
    issuer_name: '',
    issuer_country: '',
  };
}

/** A charge in the seed's shape; `pageUrl` is `transaction.url`, shown only while INITIATED. */
export function chargeJson(charge: Charge, method: Method, pageUrl?: string): Json {
  const amount = minorToMajor(charge.amount, charge.currency);
  const card = cardJson(charge);
  return {
    id: charge.id,
    object: 'charge',
    live_mode: false,
    customer_initiated: charge.customerInitiated,
    api_version: API_VERSION,
    method,
    status: charge.status,
    amount,
    currency: charge.currency,
    threeDSecure: charge.threeDSecure,
    card_threeDSecure: false,
    save_card: charge.saveCard,
    merchant_id: charge.merchantId,
    product: 'GOSELL',
    ...(charge.statementDescriptor !== undefined && { statement_descriptor: charge.statementDescriptor }),
    ...(charge.description !== undefined && { description: charge.description }),
    ...(charge.metadata !== undefined && { metadata: charge.metadata }),
    transaction: {
      timezone: TIMEZONE,
      created: String(charge.createdAt),
      ...(charge.status === 'INITIATED' && pageUrl !== undefined && { url: pageUrl }),
      expiry: { period: charge.windowMinutes, type: 'MINUTE' },
      asynchronous: false,
      amount,
      currency: charge.currency,
    },
    reference: {
      ...(charge.track !== undefined && { track: charge.track }),
      ...(charge.paymentReference !== undefined && { payment: charge.paymentReference }),
      ...(charge.reference.transaction !== undefined && { transaction: charge.reference.transaction }),
      ...(charge.reference.order !== undefined && { order: charge.reference.order }),
      ...(charge.reference.idempotent !== undefined && { idempotent: charge.reference.idempotent }),
      ...(charge.gatewayReference !== undefined && { gateway: charge.gatewayReference }),
    },
    response: { ...charge.response },
    ...(charge.gatewayResponse && { gateway: { response: { ...charge.gatewayResponse } } }),
    ...(card && { card }),
    receipt: { ...(charge.receiptId !== undefined && { id: charge.receiptId }), ...charge.receipt },
    customer: customerJson(charge),
    merchant: { country: 'QA', currency: 'QAR', id: charge.merchantId },
    source: sourceJson(charge),
    ...(charge.redirectUrl !== undefined && { redirect: { status: charge.redirectStatus, url: charge.redirectUrl } }),
    ...(charge.postUrl !== undefined && { post: { status: charge.postStatus, url: charge.postUrl } }),
    activities: charge.activities.map((a) => ({
      id: a.id,
      object: 'activity',
      created: a.created,
      status: a.status,
      currency: a.currency,
      amount: minorToMajor(a.amount, a.currency),
      remarks: a.remarks,
      txn_id: charge.id,
    })),
    auto_reversed: false,
  };
}

export function refundJson(refund: Refund, method: Method): Json {
  return {
    id: refund.id,
    object: 'refund',
    live_mode: false,
    api_version: API_VERSION,
    method,
    status: refund.status,
    amount: minorToMajor(refund.amount, refund.currency),
    currency: refund.currency,
    charge_id: refund.chargeId,
    created: refund.createdAt,
    reason: refund.reason,
    ...(refund.description !== undefined && { description: refund.description }),
    reference: {
      ...(refund.merchantReference !== undefined && { merchant: refund.merchantReference }),
      ...(refund.idempotent !== undefined && { idempotent: refund.idempotent }),
      ...(refund.paymentReference !== undefined && { payment: refund.paymentReference }),
      ...(refund.gatewayReference !== undefined && { gateway: refund.gatewayReference }),
    },
    response: { ...refund.response },
    ...(refund.metadata !== undefined && { metadata: refund.metadata }),
    ...(refund.postUrl !== undefined && { post: { url: refund.postUrl } }),
    merchant_id: refund.merchantId,
  };
}

export function chargeHashFields(charge: Charge): HashFields {
  return {
    id: charge.id,
    amount: formatMajor(charge.amount, charge.currency),
    currency: charge.currency,
    gatewayReference: charge.gatewayReference,
    paymentReference: charge.paymentReference,
    status: charge.status,
    created: String(charge.createdAt),
  };
}

export function refundHashFields(refund: Refund): HashFields {
  return {
    id: refund.id,
    amount: formatMajor(refund.amount, refund.currency),
    currency: refund.currency,
    gatewayReference: refund.gatewayReference,
    paymentReference: refund.paymentReference,
    status: refund.status,
    created: String(refund.createdAt),
  };
}
