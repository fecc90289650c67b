/**
 * The routes every emulator's control API (`/__control/`, loopback-only, for tests and
 * `bawaba emulate`) has alike: the clock, scripted faults, listing, reading and completing the
 * emulator's objects, settings and reset; and, where the emulator has them, notifications and
 * their faults, settling refunds and merchants.
 * Errors are `400 {"error": "invalid_request", "message"}`; what each route shows is the
 * provider's own view, handed in.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { NotificationControl } from './control.ts';
import { type FaultSpec, parseFaultSpec, type QueuedFault } from './faults.ts';
import { parseNotificationFault } from './notification-faults.ts';

export type Body = Record<string, unknown>;
export type IdParams = { Params: { id: string } };

/** The request body as an object; anything else reads as `{}`, so each field check names the field. */
export const asBody = (body: unknown): Body =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};

export const badRequest = (reply: FastifyReply, message: string): FastifyReply =>
  reply.code(400).send({ error: 'invalid_request', message });

export const isNonNegativeInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** `GET /__control/clock` and `POST /__control/clock {advance_ms}`, answered by the control. */
function clockRoutes(app: FastifyInstance, control: { now(): unknown; advanceClock(ms: number): unknown }): void {
  app.get('/__control/clock', async () => control.now());
  app.post('/__control/clock', async (request, reply) => {
    const ms = asBody(request.body).advance_ms;
    if (!isNonNegativeInt(ms)) return badRequest(reply, 'advance_ms must be a non-negative integer');
    return control.advanceClock(ms);
  });
}

/** `/__control/faults`: list, add (`{kind, count?, delay_ms?, match?}` over `operations`), clear. */
function faultRoutes(
  app: FastifyInstance,
  control: { listFaults(): QueuedFault[]; addFault(spec: FaultSpec): QueuedFault; clearFaults(): void },
  operations: readonly string[],
): void {
  app.get('/__control/faults', async () => ({ faults: control.listFaults() }));
  app.post('/__control/faults', async (request, reply) => {
    const parsed = parseFaultSpec(request.body, operations);
    if (!parsed.ok) return badRequest(reply, parsed.error);
    return reply.code(201).send(control.addFault(parsed.spec));
  });
  app.delete('/__control/faults', async () => {
    control.clearFaults();
    return { faults: [] };
  });
}

/**
 * `/__control/notifications`: every copy sent with its attempts, their faults (duplicate,
 * reorder, delay, drop), flush, and resend; `notFound` is the error of a resend of an unknown id.
 */
export function notificationRoutes(
  app: FastifyInstance,
  control: NotificationControl<unknown>,
  notFound: string,
): void {
  app.get('/__control/notifications', async () => ({ notifications: control.notifications() }));
  app.get('/__control/notifications/faults', async () => ({ faults: control.listNotificationFaults() }));
  app.post('/__control/notifications/faults', async (request, reply) => {
    const parsed = parseNotificationFault(request.body);
    if (!parsed.ok) return badRequest(reply, parsed.error);
    return reply.code(201).send(control.addNotificationFault(parsed.spec));
  });
  app.delete('/__control/notifications/faults', async () => {
    control.clearNotificationFaults();
    return { faults: [] };
  });
  app.post('/__control/notifications/flush', async () => ({ released: control.flushNotifications() }));
  app.post<IdParams>('/__control/notifications/:id/resend', async (request, reply) => {
    const sent = control.resendNotification(request.params.id);
    if (!sent) return reply.code(404).send({ error: notFound });
    return reply.code(202).send({ notifications: sent });
  });
}

/** The control handle's parts every emulator has. */
export type RoutedControl<S, P> = {
  now(): unknown;
  advanceClock(ms: number): unknown;
  listFaults(): QueuedFault[];
  addFault(spec: FaultSpec): QueuedFault;
  clearFaults(): void;
  settings(): S;
  updateSettings(patch: P): S;
  reset(): void;
};

type Completion = { ok: true } | { ok: false; error: string };

/** What of an emulator's control API is its own, for the routes every emulator has. */
export type ControlApi<S, P, O extends string> = {
  /** The operations a fault may `match`. */
  faultOperations: readonly string[];
  /** Its objects (payments, charges, orders) under `/__control/{plural}`; `notFound` is the 404's error. */
  objects: { plural: string; notFound: string; list(): unknown[]; get(id: string): unknown };
  /**
   * What the customer would do on the hosted page, scripted: `POST /__control/{plural}/:id/complete
   * {outcome}` answers the completion without its `ok`, or a failed one (404 when not found, else 409).
   */
  complete?: { outcomes: readonly O[]; run(id: string, outcome: O): Completion };
  /** `POST /__control/{path}`: does now what the clock made due (expiries, refunds, retries). */
  sweep: { path: string; run(): unknown };
  /** The settings as shown, and a patch read from a body (a message string is a 400). */
  settings: { view(settings: S): unknown; parse(body: Body): P | string };
};

/**
 * The routes every emulator's control API has: the clock, faults, its objects (and their scripted
 * completion), the sweep, settings and `POST /__control/reset` (everything as at start).
 */
export function controlApiRoutes<S, P, O extends string>(
  app: FastifyInstance,
  control: RoutedControl<S, P>,
  api: ControlApi<S, P, O>,
): void {
  clockRoutes(app, control);
  faultRoutes(app, control, api.faultOperations);
  const { plural, notFound } = api.objects;
  app.get(`/__control/${plural}`, async () => ({ [plural]: api.objects.list() }));
  app.get<IdParams>(`/__control/${plural}/:id`, async (request, reply) => {
    return api.objects.get(request.params.id) ?? reply.code(404).send({ error: notFound });
  });
  const { complete } = api;
  if (complete) {
    app.post<IdParams>(`/__control/${plural}/:id/complete`, async (request, reply) => {
      const outcome = asBody(request.body).outcome;
      if (!complete.outcomes.includes(outcome as O)) {
        return badRequest(reply, `outcome must be one of ${complete.outcomes.join(', ')}`);
      }
      const result = complete.run(request.params.id, outcome as O);
      if (!result.ok) return reply.code(result.error === notFound ? 404 : 409).send(result);
      const { ok: _ok, ...answer } = result;
      return answer;
    });
  }
  app.post(`/__control/${api.sweep.path}`, async () => api.sweep.run());
  app.get('/__control/settings', async () => api.settings.view(control.settings()));
  app.post('/__control/settings', async (request, reply) => {
    const patch = api.settings.parse(asBody(request.body));
    if (typeof patch === 'string') return badRequest(reply, patch);
    return api.settings.view(control.updateSettings(patch));
  });
  app.post('/__control/reset', async () => {
    control.reset();
    return { ok: true };
  });
}

export type RefundSettled = { ok: true; refund: unknown } | { ok: false; error: string };

/**
 * `GET /__control/refunds` and `POST /__control/refunds/:id/{decision}` for each decision: the
 * settled refund, or 404 (`refund_not_found`) / 409 with the result.
 */
export function refundRoutes(
  app: FastifyInstance,
  list: () => unknown[],
  decisions: readonly (readonly [string, (id: string) => RefundSettled])[],
): void {
  app.get('/__control/refunds', async () => ({ refunds: list() }));
  for (const [decision, settle] of decisions) {
    app.post<IdParams>(`/__control/refunds/:id/${decision}`, async (request, reply) => {
      const result = settle(request.params.id);
      if (result.ok) return result.refund;
      return reply.code(result.error === 'refund_not_found' ? 404 : 409).send(result);
    });
  }
}

/** `GET /__control/merchants` and `POST /__control/merchants` (201; a refused input is a 400). */
export function merchantRoutes<M, I>(
  app: FastifyInstance,
  control: { listMerchants(): M[]; createMerchant(input: I): M },
  view: (merchant: M) => unknown,
  input: (body: Body) => I,
): void {
  app.get('/__control/merchants', async () => ({ merchants: control.listMerchants().map(view) }));
  app.post('/__control/merchants', async (request, reply) => {
    try {
      return reply.code(201).send(view(control.createMerchant(input(asBody(request.body)))));
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
  });
}
