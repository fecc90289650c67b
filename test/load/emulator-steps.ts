/**
 * The parts test/load/emulator-bench.ts's steps are made of: what a step is, the queues that hand
 * payments from one step to the next, and the customer's pay step on a hosted page.
 */
import type { IncomingMessage } from 'node:http';
import type { Pool } from 'undici';
import { Failure, send } from './load.ts';

export const EMULATORS = ['checkout_com', 'tap', 'qattah', 'akurateco'] as const;
export type EmulatorName = (typeof EMULATORS)[number];

/** The payment a notification the receiver got is about (undefined: none it knows). */
export type Subject = (req: IncomingMessage, body: Buffer) => string | undefined;

/** The merchant's endpoint, as the steps need it. */
export interface StepReceiver {
  readonly url: string;
  /** Resolves once `subject` has had `count` notifications. */
  waitFor(subject: string, count: number): Promise<void>;
}

export interface Context {
  readonly emulatorUrl: string;
  readonly pool: Pool;
  readonly receiver: StepReceiver;
  /** The emulator's start-up output (the credentials it accepts). */
  readonly log: string;
}

export interface Step {
  readonly name: string;
  /** Notifications one operation makes the emulator send. */
  readonly notifications: number;
  /** How many operations there is material for (e.g. payments left to complete); undefined: no limit. */
  available?(): number;
  operation(): Promise<void>;
}

export interface Spec {
  /** `bawaba emulate` arguments after the provider name and port. */
  cliArgs(receiverUrl: string): string[];
  /** The payment a notification is about. */
  subjectOf: Subject;
  scenario(ctx: Context): Scenario;
}

export interface Scenario {
  /** Anything set up over the control API before the load (e.g. a callback URL). */
  prepare(ctx: Context): Promise<void>;
  steps: Step[];
  /** One whole payment: create, the customer pays, every notification received. */
  lifecycle: Step;
}

export const json = { 'content-type': 'application/json' };
export const form = { 'content-type': 'application/x-www-form-urlencoded' };
export const APPROVE = '{"outcome":"approve"}';
/** A card the QPay pages take (Luhn-valid), a future expiry, the approving PIN and an OTP. */
export const QPAY_CARD = { card_number: '4215375500883243', expiry: '12/39', pin: '677', otp: '123456' };

/** A FIFO of ids handed from one step to the next. */
export class Ids {
  private items: string[] = [];
  private head = 0;
  push(id: string): void {
    this.items.push(id);
  }
  take(): string {
    const id = this.items[this.head++];
    if (id === undefined) throw new Failure('ran out of ids', '');
    return id;
  }
  pick(): string {
    const id = this.items[Math.floor(Math.random() * this.items.length)];
    if (id === undefined) throw new Failure('no ids', '');
    return id;
  }
  get size(): number {
    return this.items.length - this.head;
  }
}

/**
 * Hands what a create made to two queues in turn: its id to `control` (completed through the
 * control API), or its id and hosted page to `pages` (paid there).
 */
export function alternate(control: Ids, pages: Ids): (id: string, page: string) => void {
  let n = 0;
  return (id, page) => (n++ % 2 === 0 ? control.push(id) : pages.push(`${id} ${page}`));
}

export async function expectStatus(
  ctx: Context,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  ok: number,
): Promise<string> {
  const answer = await send(ctx.pool, method, path, headers, body);
  if (answer.status !== ok)
    throw new Failure(`${method} ${path.split('/').slice(0, 3).join('/')} answered ${answer.status}`, answer.text);
  return answer.text;
}

/** The path and query of a link the emulator gave (its hosted page). */
export const pathOf = (href: string): string => {
  const url = new URL(href);
  return `${url.pathname}${url.search}`;
};

/**
 * The customer on the hosted page, as two steps: the page with its form shown (GET), then the
 * form posted, which pays (or declines) and sends the customer on with a 303.
 */
export function hostedPay(
  ctx: Context,
  pages: Ids,
  paid: Ids,
  notifications: number,
  post: (page: string) => { path: string; body: string },
): Step[] {
  const shown = new Ids();
  return [
    {
      name: 'page (hosted page shown: GET)',
      notifications: 0,
      available: () => pages.size,
      operation: async () => {
        const entry = pages.take();
        await expectStatus(ctx, 'GET', entry.split(' ')[1] ?? '', {}, undefined, 200);
        shown.push(entry);
      },
    },
    {
      name: 'pay (hosted page: card form posted)',
      notifications,
      available: () => shown.size,
      operation: async () => {
        const [id = '', page = ''] = shown.take().split(' ');
        const { path, body } = post(page);
        await expectStatus(ctx, 'POST', path, form, body, 303);
        paid.push(id);
      },
    },
  ];
}

/** A query parameter of a page's path. */
export const param = (page: string, name: string): string => new URL(page, 'http://x').searchParams.get(name) ?? '';

/** Approves a pending refund through the control API (Checkout.com's and Tap's emulators). */
export function controlApprove(ctx: Context, refunds: Ids): Step {
  return {
    name: 'refund approve (control API)',
    notifications: 1,
    available: () => refunds.size,
    operation: async () => {
      await expectStatus(ctx, 'POST', `/__control/refunds/${refunds.take()}/approve`, json, undefined, 200);
    },
  };
}

/** One whole payment: `create` it, the customer pays (`pay`), its `notifications` received. */
export function lifecycleStep(
  ctx: Context,
  name: string,
  notifications: number,
  create: () => Promise<string>,
  pay: (id: string) => Promise<unknown>,
): Step {
  return {
    name,
    notifications,
    operation: async () => {
      const id = await create();
      await pay(id);
      await ctx.receiver.waitFor(id, notifications);
    },
  };
}

export function jsonField(raw: Buffer, read: (body: Record<string, unknown>) => unknown): string | undefined {
  try {
    const value = read(JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
