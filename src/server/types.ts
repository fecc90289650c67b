import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import type { AccountLogoRepo } from '../core/account-logo.ts';
import type { Clock } from '../core/clock.ts';
import type { ConnectorRegistry } from '../core/connector-contract.ts';
import type {
  EventRepo,
  JobQueue,
  ProviderNotificationRepo,
  WebhookDeliveryRepo,
  WebhookEndpointRepo,
} from '../core/event-ports.ts';
import type { IdGenerator } from '../core/ids.ts';
import type {
  AccountRepo,
  ConnectorAccountRepo,
  IdempotencyRepo,
  PaymentRepo,
  PendingIdempotencyClaim,
  Principal,
} from '../core/repositories.ts';
import type { CheckoutDeps } from '../core/services/checkout-sessions.ts';
import type { PaymentLinkDeps } from '../core/services/payment-links.ts';
import type { NotificationDeps } from '../core/services/receive-notification.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { PublicRateLimits } from './plugins/rate-limits.ts';

/** Everything `buildApp()` needs; `main.ts` builds it. */
export interface AppDeps {
  readonly payment: NotificationDeps;
  readonly payments: PaymentRepo;
  readonly accounts: AccountRepo;
  readonly connectorAccounts: ConnectorAccountRepo;
  readonly idempotency: IdempotencyRepo;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly connectors: ConnectorRegistry;
  readonly events: EventRepo;
  readonly webhookEndpoints: WebhookEndpointRepo;
  readonly deliveries: WebhookDeliveryRepo;
  readonly jobs: JobQueue;
  readonly notifications: ProviderNotificationRepo;
  /** Checkout sessions (`/v1/checkout_sessions`). */
  readonly checkout?: CheckoutDeps;
  /** Payment links (`/v1/payment_links`). */
  readonly paymentLinks?: PaymentLinkDeps;
  /** The account's logo on the checkout pages (`/v1/account/logo`). */
  readonly logos?: AccountLogoRepo;
  /** Sandbox mode: serves a stand-in merchant return page at `/sandbox/return`. */
  readonly sandbox: boolean;
  /** The public URL is https: answers tell browsers to use https only (HSTS). Unset: no. */
  readonly hsts?: boolean;
  /** Limits of the public return and hook routes, per minute. */
  readonly rateLimits: PublicRateLimits;
  /** Which proxies' `X-Forwarded-For` names the client (Fastify's `trustProxy`); unset: none. */
  readonly trustProxy?: number | string;
}

/**
 * The app as routes see it: their TypeBox schemas type `request.body`, `query`, `params` and the
 * replies (types only: validation and serialization are Fastify's own, from the same schemas).
 */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** State an idempotent request carries between its hooks. */
export interface IdempotencyContext {
  readonly key: string;
  readonly resourceId: string | null;
  /** The key is claimed with the object the request creates (`idempotencyClaim: 'with_object'`). */
  readonly pending?: PendingIdempotencyClaim;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's public URL, as customers' browsers and merchants reach it. */
    publicUrl: () => string;
  }
  interface FastifyRequest {
    principal?: Principal;
    idempotency?: IdempotencyContext;
    /** The outcome is not final (the provider's answer is unknown): a retry may resume it. */
    idempotencyRetryable?: boolean;
    /** What a replay answers instead of the first answer (which carried a secret stored only as a hash). */
    idempotencyReplayBody?: string;
    /** The answer was stored already, in the transaction of the change it reports. */
    idempotencyAnswered?: boolean;
    /** The code of the error this request was answered with, if any. */
    errorCode?: string;
  }
  interface FastifyContextConfig {
    /** `required`: the route needs an `Idempotency-Key` and replays its first answer. */
    idempotency?: 'required';
    /**
     * `with_object`: a new key is claimed in the transaction that writes the object the request
     * creates, not on its own before the handler runs (see `IdempotencyReservation.pending`).
     */
    idempotencyClaim?: 'with_object';
    /** The route needs no API key. */
    public?: boolean;
  }
}
