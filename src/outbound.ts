/**
 * The gateway's outbound calls: the dispatcher of live-mode calls (public addresses only), and
 * the connectors built with it. Apart from main.ts so that `bawaba connectors set` loads the
 * connectors without the rest of the gateway.
 */
import type { Dispatcher } from 'undici';
import type { Config } from './config.ts';
import { createAllConnectors } from './connectors/registry.ts';
import type { ConnectorRegistry } from './core/connector-contract.ts';
import { createGuardedAgent } from './net/guarded-agent.ts';

let publicOnlyAgent: Dispatcher | undefined;

/**
 * The dispatcher of live-mode outbound calls: the one given, else `dispatcher` (a test's mock),
 * else one process-wide agent that checks, at each connection, that every address it would
 * reach is public (test mode reaches loopback: the emulators and developers' machines are there).
 */
export function liveDispatcherOf(dispatcher?: Dispatcher, liveDispatcher?: Dispatcher): Dispatcher {
  const given = liveDispatcher ?? dispatcher;
  if (given) return given;
  publicOnlyAgent ??= createGuardedAgent();
  return publicOnlyAgent;
}

/** Every connector Bawaba has. */
export function createConnectors(
  config: Config,
  dispatcher?: Dispatcher,
  liveDispatcher?: Dispatcher,
): ConnectorRegistry {
  return createAllConnectors({
    timeoutMs: config.providerTimeoutMs,
    ...(dispatcher ? { dispatcher } : {}),
    liveDispatcher: liveDispatcherOf(dispatcher, liveDispatcher),
  });
}
