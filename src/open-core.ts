/**
 * The storage side of the gateway, opened without the rest of it: what the HTTP server, the
 * worker and the administration commands (`bawaba keys`, `bawaba users`) share. Kept apart from
 * main.ts so that those commands load the storage and not the whole gateway.
 */
import type { Config } from './config.ts';
import { type Clock, systemClock } from './core/clock.ts';
import { createIdGenerator, type IdGenerator } from './core/ids.ts';
import { sandboxEncryptionKey } from './data-dir.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { type Database, openDatabase } from './storage/db.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { createRepos, type Repos } from './storage/repos/index.ts';
import { createSecretBox, parseEncryptionKey } from './storage/secret-box.ts';

/** The storage side of the gateway: database, repositories, clock, ids, and the worker's bell. */
export interface Core {
  readonly database: Database;
  readonly repos: Repos;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /**
   * Rung after a commit that wrote jobs, with the earliest time one is due: wakes this process's
   * worker once one runs, and tells other processes' workers before that (on PostgreSQL).
   */
  readonly bell: { ring: (runAt: number) => void };
  /** The migrations this opening applied, in order (none when the database was up to date). */
  readonly migrated: readonly string[];
}

/** Repositories plus clock and ids: what administration helpers take. */
export function adminDeps(core: Core) {
  return { ...core.repos, ids: core.ids, clock: core.clock };
}

/** What tests change when opening the core; production uses the defaults. */
export interface CoreOptions {
  readonly clock?: Clock;
  readonly logDestination?: NodeJS.WritableStream;
  /** An already opened database (tests); otherwise `config.databaseUrl` is opened. */
  readonly database?: Database;
}

/** The database channel on which processes without a worker announce jobs they wrote. */
export const JOBS_TOPIC = 'jobs';

/** Opens and migrates the database and builds the repositories. */
export async function openCore(config: Config, options: CoreOptions = {}): Promise<Core> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const key = config.encryptionKey ?? sandboxEncryptionKey(config.dataDir);
  const box = createSecretBox(parseEncryptionKey(key));
  const database = options.database ?? (await openDatabase(config.databaseUrl));
  const applied = await migrateToLatest(database);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const clock = options.clock ?? systemClock;
  const ids = createIdGenerator(clock);
  // Every commit that wrote jobs rings: this process's worker wakes for those due soon (see
  // createJobWorker). With no worker here, workers elsewhere are told on PostgreSQL.
  const channel = database.channel;
  const bell: Core['bell'] = {
    ring: (runAt) => {
      channel?.notify(JOBS_TOPIC, String(runAt)).catch((err: unknown) => {
        logger.warn({ err }, 'could not tell other workers of new jobs; they will find them when they poll');
      });
    },
  };
  const repos = createRepos(database, box, ids, (runAt) => bell.ring(runAt));
  return { database, repos, clock, ids, logger, bell, migrated: applied };
}
