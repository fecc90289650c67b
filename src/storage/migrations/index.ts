import type { Migration, MigrationProvider } from 'kysely';
import * as init from './0001-init.ts';

/** Every migration, in order. Listed by hand so nothing depends on scanning the filesystem. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-init': init,
};

/** A provider for Kysely's `Migrator` serving {@link MIGRATIONS}. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
