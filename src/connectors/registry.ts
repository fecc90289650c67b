import type { Connector, ConnectorRegistry } from '../core/connector-contract.ts';

/** A registry over a fixed list of connectors. */
export function createConnectorRegistry(connectors: readonly Connector[]): ConnectorRegistry {
  const byId = new Map(connectors.map((c) => [c.id, c]));
  return {
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()],
  };
}
