/**
 * What every emulator offers the registry: its entry (the connector id it stands in for, its
 * default port, how to start it) and, once started, a handle with its base URL, credentials,
 * banner, control and the way a sandbox gateway gives an account a connector against it; and the
 * one way every emulator is started (`startEmulatorWith`).
 *
 * Light on purpose: the configuration and the CLI read the registry's list at start-up, so an
 * entry loads its emulator's server only when it is started.
 */
import type { AddressInfo } from 'node:net';
import type { EmulatorStore } from './store.ts';

export type StartEmulatorOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Base URL as seen by clients (e.g. behind a proxy); defaults to http://host:port. */
  publicBaseUrl?: string;
  /** Akurateco: the merchant key (a UUID). Qattah: the api_token. */
  secretKey?: string;
  /** Tap only; Checkout.com generates its own. */
  publicKey?: string;
  /** Checkout.com; Akurateco: the merchant password. For Tap the secret key signs notifications. */
  webhookSignatureKey?: string;
  /** Akurateco only: the first merchant's callback URL (set in the admin panel for real). */
  notificationUrl?: string;
  /** Where the default entity's webhooks are sent, each with an optional static Authorization header. */
  webhooks?: { url: string; authorization?: string }[];
  /** Tap and Akurateco: emulator time after which a pending (waiting) refund is REFUNDED by itself (default: never). */
  refundApprovalDelayMs?: number | null;
  /** Waits before each webhook retry (default 2 s, 10 s, 1 min, 5 min, 30 min; Akurateco: 15, 15, 15 min on the emulator clock). */
  notificationRetryDelaysMs?: readonly number[];
  /** Limit on one webhook delivery attempt (default 10 s). */
  notificationTimeoutMs?: number;
  /** Notification copies in flight to one URL at most (default 32); one payment's always go one at a time. */
  notificationMaxInFlight?: number;
  /**
   * Where the emulator keeps its state (payments, merchants and their keys, settings, clock) so
   * that a restart on the same store finds it again; default: memory only. The caller closes it.
   */
  store?: EmulatorStore;
};

export type EmulatorCredentials = { secretKey: string; publicKey: string; webhookSignatureKey: string };

/** One gateway account as the sandbox registers it at an emulator. */
export interface SandboxAccount {
  /** The credentials its connector account holds already (adopted, so they keep working), if any. */
  readonly stored: Readonly<Record<string, string>> | undefined;
  /** Where the gateway takes this connector account's notifications (`/hooks/<connector>/<id>`). */
  readonly hookUrl: string;
  /** The account's name. */
  readonly name: string;
}

/**
 * How a sandbox gateway gives each account a test-mode connector against this emulator, in the
 * emulator's own words: the connector account's credential and setting names are plain strings
 * here, so no emulator reads connector code.
 */
export interface SandboxSetup {
  /** Routing priority of the connector account the sandbox makes (lower is tried first). */
  readonly priority: number;
  /** Settings of the connector account besides `base_url`. */
  readonly settings: Readonly<Record<string, string>>;
  /** Registers the account as its own merchant at the emulator; answers the credentials to store. */
  merchant(account: SandboxAccount): Record<string, string>;
}

export type RunningEmulator<Control = unknown, Name extends string = string> = {
  /** The id of the connector this emulator stands in for. */
  name: Name;
  baseUrl: string;
  credentials: EmulatorCredentials;
  /** Lines to print on start: base URL, accepted keys, test data, control API. */
  describe(): string[];
  /** Direct handle to the emulator's state for in-process use. */
  control: Control;
  /** How the sandbox sets a connector account up against this emulator. */
  sandbox: SandboxSetup;
  close(): Promise<void>;
};

/** One emulator as the registry lists it. */
export interface EmulatorEntry<Name extends string = string, Control = unknown> {
  /** The id of the connector it stands in for; also names its port variable (`BAWABA_EMULATOR_<NAME>_PORT`). */
  readonly name: Name;
  /** Who it emulates, as the port variable's description says it ("Port of the <title> emulator ..."). */
  readonly title: string;
  /** Its port in sandbox mode unless configured otherwise. */
  readonly defaultPort: number;
  start(opts: StartEmulatorOptions): Promise<RunningEmulator<Control, Name>>;
}

/** An emulator's server as starting and stopping it needs it. */
type ListeningApp = {
  listen(o: { port: number; host: string }): Promise<unknown>;
  server: { address(): unknown };
  close(): PromiseLike<unknown>;
};

/**
 * The base URL an emulator puts in its links, read lazily: the public one if given, else the
 * real address once it listens (port 0 picks a free port).
 */
function lateBaseUrl(opts: StartEmulatorOptions) {
  let value = opts.publicBaseUrl?.replace(/\/+$/, '');
  return {
    get: () => value,
    async listen(app: ListeningApp) {
      const host = opts.host ?? '127.0.0.1';
      await app.listen({ port: opts.port ?? 0, host });
      const { port } = app.server.address() as AddressInfo;
      value ??= `http://${urlHost(host)}:${port}`;
      return value;
    },
  };
}

function urlHost(host: string): string {
  // A wildcard bind address is not something a client can connect to.
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The notification options every emulator takes alike, those of `opts` that are set. */
function notificationOptions(opts: StartEmulatorOptions) {
  return {
    ...(opts.notificationRetryDelaysMs !== undefined && { notificationRetryDelaysMs: opts.notificationRetryDelaysMs }),
    ...(opts.notificationTimeoutMs !== undefined && { notificationTimeoutMs: opts.notificationTimeoutMs }),
    ...(opts.notificationMaxInFlight !== undefined && { notificationMaxInFlight: opts.notificationMaxInFlight }),
  };
}

/** What every emulator is made with from the start options: notification tuning, book of the store, base URL. */
export type CommonEmulatorOptions = ReturnType<typeof notificationOptions> & {
  book?: ReturnType<EmulatorStore['book']>;
  baseUrl: () => string | undefined;
};

/** How one emulator is started: made, then described in the shape every emulator shares. */
export type EmulatorStart<E extends { app: ListeningApp }, Control, Name extends string> = {
  name: Name;
  /** Makes the emulator from the options every emulator takes (`common`) and its own. */
  create(common: CommonEmulatorOptions): E;
  /** Its first merchant's credentials in the shared shape. */
  credentials(emulator: E): EmulatorCredentials;
  control(emulator: E): Control;
  sandbox(control: Control): SandboxSetup;
  /** The lines printed on start, given the base URL it listens on. */
  describe(emulator: E, baseUrl: string): string[];
};

/** Makes the emulator, listens (the base URL is known from then on) and hands back its running handle. */
export async function startEmulatorWith<E extends { app: ListeningApp }, Control, Name extends string>(
  opts: StartEmulatorOptions,
  start: EmulatorStart<E, Control, Name>,
): Promise<RunningEmulator<Control, Name>> {
  const base = lateBaseUrl(opts);
  const emulator = start.create({
    ...notificationOptions(opts),
    ...(opts.store && { book: opts.store.book(start.name) }),
    baseUrl: base.get,
  });
  const baseUrl = await base.listen(emulator.app);
  const control = start.control(emulator);
  return {
    name: start.name,
    baseUrl,
    credentials: start.credentials(emulator),
    control,
    sandbox: start.sandbox(control),
    describe: () => start.describe(emulator, baseUrl),
    close: async () => {
      await emulator.app.close();
    },
  };
}
