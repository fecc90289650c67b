import type { Connector, ConnectorRegistry } from '../core/connector-contract.ts';
import type { OutboundDispatchers } from '../net/mode-dispatcher.ts';
import { createAkuratecoConnector } from './akurateco/index.ts';
import { CHECKOUT_BASE_URLS, createCheckoutComConnector } from './checkout-com/index.ts';
import { createQattahConnector } from './qattah/index.ts';
import { createTapConnector } from './tap/index.ts';

/** What every connector is made with. */
export interface ConnectorOptions extends OutboundDispatchers {
  /** Time limit of one call to the provider. */
  readonly timeoutMs: number;
}

/**
 * The one list of connectors: a new provider's connector is its folder and one line here (its
 * emulator is one line in `src/emulators/registry.ts`, under the same id).
 */
export const CONNECTOR_FACTORIES: readonly ((options: ConnectorOptions) => Connector)[] = [
  (options) => createCheckoutComConnector({ ...options, defaultBaseUrls: CHECKOUT_BASE_URLS }),
  createTapConnector,
  createAkuratecoConnector,
  createQattahConnector,
];

/** A registry over a fixed list of connectors. */
export function createConnectorRegistry(connectors: readonly Connector[]): ConnectorRegistry {
  const byId = new Map(connectors.map((c) => [c.id, c]));
  return {
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()],
  };
}

/** Every connector Bawaba has, each made with `options`. */
export function createAllConnectors(options: ConnectorOptions): ConnectorRegistry {
  return createConnectorRegistry(CONNECTOR_FACTORIES.map((create) => create(options)));
}
