import type { ConnectorAccount } from '../../core/connector-contract.ts';
import type { ConnectorAccountRepo } from '../../core/repositories.ts';

/** How long a connector account read is reused; another node's change is seen within it. */
export const CONNECTOR_ACCOUNT_CACHE_MS = 1_000;

/**
 * Connector accounts are read on every payment, notification and poll, and each read decrypts
 * the provider credentials; they change rarely. Reads are reused for under a second (so a change
 * made on another node is seen within one), and this node's own changes drop them at once.
 */
export function cachedConnectorAccounts(
  repo: ConnectorAccountRepo,
  now: () => number = () => performance.now(),
  ttlMs = CONNECTOR_ACCOUNT_CACHE_MS,
): ConnectorAccountRepo {
  const byId = new Map<string, { at: number; value: Promise<ConnectorAccount | undefined> }>();
  const lists = new Map<string, { at: number; value: Promise<ConnectorAccount[]> }>();
  const fresh = <T>(cache: Map<string, { at: number; value: Promise<T> }>, key: string, load: () => Promise<T>) => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = load();
    cache.set(key, { at: now(), value });
    // A failed read is not kept.
    value.catch(() => cache.delete(key));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
    return value;
  };
  const forget = () => {
    byId.clear();
    lists.clear();
  };
  return {
    get: (id) => fresh(byId, id, () => repo.get(id)),
    list: (accountId, mode) => fresh(lists, `${accountId}\u0000${mode}`, () => repo.list(accountId, mode)),
    find: (accountId, mode, connector) => repo.find(accountId, mode, connector),
    async upsert(account) {
      forget();
      try {
        return await repo.upsert(account);
      } finally {
        forget();
      }
    },
    async remove(accountId, mode, connector) {
      forget();
      try {
        return await repo.remove(accountId, mode, connector);
      } finally {
        forget();
      }
    },
  };
}
