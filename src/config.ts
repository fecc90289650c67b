import { EMULATORS, type EmulatorName } from './emulators/registry.ts';

/** One environment variable: its name, default, meaning, and how to read it. */
export interface Setting<T> {
  readonly name: string;
  readonly description: string;
  readonly fallback: string | undefined;
  readonly parse: (raw: string, name: string) => T;
}

/** The gateway's configuration, read from the environment once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset: `http://localhost:<the port listened on>`. */
  readonly publicUrl: string | undefined;
  readonly mode: 'sandbox' | 'production';
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly encryptionKey: string | undefined;
  readonly providerTimeoutMs: number;
  readonly logLevel: string;
  readonly emulatorHost: string;
  /** Where the sandbox emulators keep their state: `<data dir>/emulators.sqlite`, or memory only. */
  readonly emulatorState: 'file' | 'memory';
  /** Each sandbox emulator's port, by connector id (`BAWABA_EMULATOR_<ID>_PORT`). */
  readonly emulatorPorts: Readonly<Record<EmulatorName, number>>;
  readonly runWorker: boolean;
  readonly workerConcurrency: number;
  readonly jobLeaseMs: number;
  readonly workerPollMs: number;
  readonly rateLimitReturnsPerAddress: number;
  readonly rateLimitReturnsPerPayment: number;
  readonly rateLimitHooksPerAddress: number;
  readonly rateLimitHooksPerConnectorAccount: number;
  /** Fastify's `trustProxy`: how many proxy hops, or which proxy addresses; unset: none. */
  readonly trustProxy: number | string | undefined;
  /** Days verified provider notifications are kept. */
  readonly notificationRetentionDays: number;
  /** Days unverifiable hook requests are kept. */
  readonly unverifiedNotificationRetentionDays: number;
}

/** A configuration problem, naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(min: number, max: number) {
  return (raw: string, name: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return Number(raw);
  };
}
const text = (raw: string) => raw;
function oneOf<T extends string>(...values: T[]) {
  return (raw: string, name: string): T => {
    if (!(values as string[]).includes(raw))
      throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw as T;
  };
}
/** Proxies whose `X-Forwarded-For` is believed: a hop count, or addresses and CIDR ranges. */
function proxies(raw: string, name: string): number | string {
  if (/^\d+$/.test(raw)) return int(1, 10)(raw, name);
  const list = raw.split(',').map((p) => p.trim());
  if (list.some((p) => !/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(p))) {
    throw new ConfigError(
      `${name} must be a number of proxy hops (1 to 10) or comma-separated proxy addresses or CIDR ranges, got ${JSON.stringify(raw)}`,
    );
  }
  return list.join(',');
}
function url(raw: string, name: string): string {
  if (!/^https?:\/\/[^\s/]+/.test(raw))
    throw new ConfigError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

/** The variables Bawaba reads besides the emulators' ports (the README's configuration table lists them all). */
export const SETTINGS = {
  port: { name: 'PORT', description: 'Port of the gateway API.', fallback: '4000', parse: int(0, 65535) },
  host: { name: 'HOST', description: 'Interface the gateway listens on.', fallback: '127.0.0.1', parse: text },
  publicUrl: {
    name: 'BAWABA_PUBLIC_URL',
    description: "Base URL customers' browsers and providers reach the gateway at (return and hook routes).",
    fallback: undefined,
    parse: url,
  },
  mode: {
    name: 'BAWABA_MODE',
    description:
      '`sandbox` starts the provider emulators and points test-mode connectors at them; `production` starts none.',
    fallback: 'sandbox',
    parse: oneOf('sandbox', 'production'),
  },
  dataDir: {
    name: 'BAWABA_DATA_DIR',
    description: 'Directory for the SQLite database and sandbox files.',
    fallback: './data',
    parse: text,
  },
  databaseUrl: {
    name: 'BAWABA_DATABASE_URL',
    description: '`sqlite:<path>` or `postgres://user@host:port/db` (optionally `?schema=name`).',
    fallback: undefined,
    parse: text,
  },
  encryptionKey: {
    name: 'BAWABA_ENCRYPTION_KEY',
    description:
      'Key sealing provider credentials and national ids (AES-256-GCM): 64 hex characters or base64 of 32 bytes. Required in production; in sandbox one is generated into `<data dir>/encryption.key`.',
    fallback: undefined,
    parse: text,
  },
  providerTimeoutMs: {
    name: 'BAWABA_PROVIDER_TIMEOUT_MS',
    description: 'Time limit of one call to a provider, in milliseconds.',
    fallback: '15000',
    parse: int(100, 120000),
  },
  logLevel: {
    name: 'LOG_LEVEL',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    fallback: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  emulatorHost: {
    name: 'BAWABA_EMULATOR_HOST',
    description: 'Interface the sandbox emulators listen on.',
    fallback: '127.0.0.1',
    parse: text,
  },
  emulatorState: {
    name: 'BAWABA_EMULATOR_STATE',
    description:
      'Where the sandbox emulators keep their payments, merchants and settings: `file` (`<data dir>/emulators.sqlite`, kept across restarts) or `memory` (forgotten at each start).',
    fallback: 'file',
    parse: oneOf('file', 'memory'),
  },
  runWorker: {
    name: 'BAWABA_WORKER',
    description:
      '`on` runs the job worker (webhook deliveries, reconciliation) inside `serve`; `off` leaves it to `bawaba worker` processes.',
    fallback: 'on',
    parse: (raw: string, name: string) => oneOf('on', 'off')(raw, name) === 'on',
  },
  workerConcurrency: {
    name: 'BAWABA_WORKER_CONCURRENCY',
    description: 'Jobs one worker runs at once.',
    fallback: '16',
    parse: int(1, 256),
  },
  jobLeaseMs: {
    name: 'BAWABA_JOB_LEASE_MS',
    description:
      'How long a claim on a job holds; the worker running it renews it, and a job of a worker that died is taken again once it runs out.',
    fallback: '60000',
    parse: int(500, 3_600_000),
  },
  notificationRetentionDays: {
    name: 'BAWABA_NOTIFICATION_RETENTION_DAYS',
    description: 'Days a verified provider notification is kept as received.',
    fallback: '90',
    parse: int(1, 3650),
  },
  unverifiedNotificationRetentionDays: {
    name: 'BAWABA_UNVERIFIED_NOTIFICATION_RETENTION_DAYS',
    description: 'Days an unverifiable request to a hook URL is kept (truncated), for an operator to look into.',
    fallback: '7',
    parse: int(1, 3650),
  },
  workerPollMs: {
    name: 'BAWABA_WORKER_POLL_MS',
    description: 'How often an idle worker looks for due jobs (jobs made in the same process start at once).',
    fallback: '500',
    parse: int(10, 60_000),
  },
  rateLimitReturnsPerAddress: {
    name: 'BAWABA_RATE_LIMIT_RETURNS_PER_ADDRESS',
    description: 'Customer returns (`/return/...`) one source address may make per minute; 0: no limit.',
    fallback: '60',
    parse: int(0, 1_000_000),
  },
  rateLimitReturnsPerPayment: {
    name: 'BAWABA_RATE_LIMIT_RETURNS_PER_PAYMENT',
    description: 'Customer returns of one payment per minute (each asks the provider); 0: no limit.',
    fallback: '30',
    parse: int(0, 1_000_000),
  },
  rateLimitHooksPerAddress: {
    name: 'BAWABA_RATE_LIMIT_HOOKS_PER_ADDRESS',
    description: 'Provider notifications (`/hooks/...`) from one source address per minute; 0: no limit.',
    fallback: '120000',
    parse: int(0, 1_000_000),
  },
  rateLimitHooksPerConnectorAccount: {
    name: 'BAWABA_RATE_LIMIT_HOOKS_PER_CONNECTOR_ACCOUNT',
    description: 'Provider notifications for one connector account per minute; 0: no limit.',
    fallback: '60000',
    parse: int(0, 1_000_000),
  },
  trustProxy: {
    name: 'BAWABA_TRUST_PROXY',
    description:
      'Behind a reverse proxy: its number of hops, or its addresses/CIDR ranges (comma-separated), so the client address (rate limits, logs) comes from `X-Forwarded-For`. Unset: the connecting address.',
    fallback: undefined,
    parse: proxies,
  },
} as const satisfies Record<Exclude<keyof Config, 'emulatorPorts'>, Setting<unknown>>;

/** The variable of an emulator's port: `BAWABA_EMULATOR_CHECKOUT_COM_PORT` for `checkout_com`. */
export const emulatorPortVariable = (name: string): string => `BAWABA_EMULATOR_${name.toUpperCase()}_PORT`;

/** One port variable per emulator in the registry's list, with the emulator's default port. */
export const EMULATOR_PORT_SETTINGS: Readonly<Record<EmulatorName, Setting<number>>> = Object.fromEntries(
  EMULATORS.map((e) => [
    e.name,
    {
      name: emulatorPortVariable(e.name),
      description: `Port of the ${e.title} emulator in sandbox mode.`,
      fallback: String(e.defaultPort),
      parse: int(0, 65535),
    },
  ]),
) as Record<EmulatorName, Setting<number>>;

/** Every variable Bawaba reads (the README's configuration table lists each one). */
export function allSettings(): Setting<unknown>[] {
  const list: Setting<unknown>[] = [];
  for (const [key, setting] of Object.entries(SETTINGS)) {
    list.push(setting);
    if (key === 'emulatorState') list.push(...Object.values(EMULATOR_PORT_SETTINGS));
  }
  return list;
}

function read<T>(env: NodeJS.ProcessEnv, s: Setting<T>): T | undefined {
  const raw = env[s.name] ?? s.fallback;
  return raw === undefined || raw === '' ? undefined : s.parse(raw, s.name);
}

/** Reads and checks the configuration; throws a {@link ConfigError} naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = read(env, SETTINGS.port) as number;
  const host = read(env, SETTINGS.host) as string;
  const dataDir = read(env, SETTINGS.dataDir) as string;
  const mode = read(env, SETTINGS.mode) as Config['mode'];
  const encryptionKey = read(env, SETTINGS.encryptionKey);
  if (mode === 'production' && !encryptionKey) {
    throw new ConfigError('BAWABA_ENCRYPTION_KEY is required when BAWABA_MODE=production');
  }
  return {
    port,
    host,
    publicUrl: read(env, SETTINGS.publicUrl),
    mode,
    dataDir,
    databaseUrl: read(env, SETTINGS.databaseUrl) ?? `sqlite:${dataDir.replace(/\/+$/, '')}/bawaba.db`,
    encryptionKey,
    providerTimeoutMs: read(env, SETTINGS.providerTimeoutMs) as number,
    logLevel: read(env, SETTINGS.logLevel) as string,
    emulatorHost: read(env, SETTINGS.emulatorHost) as string,
    emulatorState: read(env, SETTINGS.emulatorState) as Config['emulatorState'],
    emulatorPorts: Object.fromEntries(
      EMULATORS.map((e) => [e.name, read(env, EMULATOR_PORT_SETTINGS[e.name]) as number]),
    ) as Record<EmulatorName, number>,
    runWorker: read(env, SETTINGS.runWorker) as boolean,
    workerConcurrency: read(env, SETTINGS.workerConcurrency) as number,
    jobLeaseMs: read(env, SETTINGS.jobLeaseMs) as number,
    workerPollMs: read(env, SETTINGS.workerPollMs) as number,
    notificationRetentionDays: read(env, SETTINGS.notificationRetentionDays) as number,
    unverifiedNotificationRetentionDays: read(env, SETTINGS.unverifiedNotificationRetentionDays) as number,
    rateLimitReturnsPerAddress: read(env, SETTINGS.rateLimitReturnsPerAddress) as number,
    rateLimitReturnsPerPayment: read(env, SETTINGS.rateLimitReturnsPerPayment) as number,
    rateLimitHooksPerAddress: read(env, SETTINGS.rateLimitHooksPerAddress) as number,
    rateLimitHooksPerConnectorAccount: read(env, SETTINGS.rateLimitHooksPerConnectorAccount) as number,
    trustProxy: read(env, SETTINGS.trustProxy),
  };
}
