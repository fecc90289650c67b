import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { redactUrl } from '../observability/redact-url.ts';
import { createRequestLog } from '../observability/request-log.ts';
import { createApiKeyAuthenticator } from './api-key-auth.ts';
import { ErrorBody } from './contract/common.ts';
import { registerAuth } from './plugins/auth.ts';
import { outsideRouteOptions, registerErrorHandling } from './plugins/errors.ts';
import { registerIdempotency } from './plugins/idempotency.ts';
import { registerInputRules } from './plugins/input.ts';
import { registerQueryKeyRefusal } from './plugins/query-keys.ts';
import { registerRateLimiting } from './plugins/rate-limits.ts';
import { registerSecurityHeaders } from './plugins/security-headers.ts';
import { registerAccountLogoRoutes } from './routes/account-logo.ts';
import { registerApiKeyRoutes } from './routes/api-keys.ts';
import { registerCheckoutSessionRoutes } from './routes/checkout-sessions.ts';
import { registerConnectorRoutes } from './routes/connectors.ts';
import { registerReturnRoute } from './routes/customer-return.ts';
import { registerDocsRoutes } from './routes/docs.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerPaymentLinkRoutes } from './routes/payment-links.ts';
import { registerPaymentRoutes } from './routes/payments.ts';
import { registerProviderHookRoutes } from './routes/provider-hooks.ts';
import { registerRefundRoutes } from './routes/refunds.ts';
import { registerRequestLogRoutes } from './routes/request-log.ts';
import { registerSandboxRoutes } from './routes/sandbox.ts';
import { registerWebhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { trustProxyOption } from './trust-proxy.ts';
import type { AppDeps } from './types.ts';

/** Builds the HTTP app (no `listen`): tests use `inject()`, `main.ts` listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const securityHeaders = { hsts: deps.hsts ?? false };
  const publicUrl = () => deps.payment.publicUrl;
  const requestLog = createRequestLog();
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: () => deps.ids.next('req'),
    requestIdHeader: false,
    // One line per request, when it is answered (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxyOption(deps.trustProxy),
    bodyLimit: 64 * 1024,
    // Requests refused before any route runs are answered in the error shape too.
    ...outsideRouteOptions({ ids: deps.ids, logger: deps.logger, securityHeaders, publicUrl }),
    // While closing, a request already on an open connection is served (then the connection
    // closes) rather than refused with Fastify's own 503 body: the database closes after the app.
    return503OnClosing: false,
    ajv: {
      // Money must never be coerced: "100" is not an amount. Unknown fields are errors.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Bawaba API', version: '1' },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'sk_test_… or sk_live_…' } },
      },
      security: [{ apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  app.addSchema(ErrorBody);
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpRequests.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    // The account's own request log (`bawaba logs tail`): authenticated requests only.
    // Not the log's own reads: a tail would print its every poll.
    const principal = request.principal;
    if (principal !== undefined && request.routeOptions.url !== '/v1/request_log') {
      requestLog.add({
        id: request.id,
        accountId: principal.accountId,
        mode: principal.mode,
        at: Date.now(),
        method: request.method,
        path: redactUrl(request.url),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        errorCode: request.errorCode ?? null,
      });
    }
    // The access log: the request (its URL redacted by the serializer), its answer and time.
    request.log.info(
      { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed',
    );
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('request-id', request.id);
    done(null, payload);
  });
  registerErrorHandling(app, publicUrl);
  await registerSecurityHeaders(app, securityHeaders);
  registerInputRules(app);
  registerQueryKeyRefusal(app);
  const apiKeys = createApiKeyAuthenticator({ accounts: deps.accounts, clock: deps.clock, log: deps.logger });
  registerAuth(app, apiKeys);
  registerIdempotency(app, deps.idempotency, deps.clock);
  await registerRateLimiting(app);
  // The same instance, typed by the route schemas (no runtime change).
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  registerApiKeyRoutes(api, deps, apiKeys);
  registerPaymentRoutes(api, deps);
  registerConnectorRoutes(api, deps);
  registerRefundRoutes(api, deps);
  if (deps.checkout) registerCheckoutSessionRoutes(api, deps.checkout);
  if (deps.paymentLinks) registerPaymentLinkRoutes(api, deps.paymentLinks);
  if (deps.logos) {
    registerAccountLogoRoutes(api, { logos: deps.logos, clock: deps.clock, publicUrl: () => deps.payment.publicUrl });
  }
  registerReturnRoute(api, deps);
  registerEventRoutes(api, deps);
  registerRequestLogRoutes(api, requestLog);
  registerWebhookEndpointRoutes(api, deps);
  await registerProviderHookRoutes(api, deps);
  registerHealthRoutes(api, deps);
  await registerDocsRoutes(app);
  if (deps.sandbox) registerSandboxRoutes(api);
  return app;
}
