/**
 * An undici agent that checks every address it connects to, at connection time: a host name is
 * resolved once, every answer is judged, and the socket connects only to the answers judged, so
 * a name that changes its answer between a check and the connection (DNS rebinding) cannot slip
 * through. Literal IP hosts are judged the same way.
 */
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { type AddressPolicy, type AddressVerdict, describeRange, PUBLIC_ONLY } from './address-policy.ts';

/** Resolves a host name to all its addresses. */
export type HostResolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The system's resolver (`/etc/hosts`, then DNS), as sockets use it. */
export const systemResolver: HostResolver = (hostname) => dns.lookup(hostname, { all: true });

/** The `code` of a connection refused by the address policy. */
export const ADDRESS_NOT_ALLOWED = 'ERR_ADDRESS_NOT_ALLOWED';

/** A connection the address policy refused: nothing was sent. */
export class AddressNotAllowedError extends Error {
  readonly code = ADDRESS_NOT_ALLOWED;
  readonly hostname: string;
  readonly refused: readonly AddressVerdict[];

  constructor(hostname: string, refused: readonly AddressVerdict[]) {
    const first = refused[0];
    const range = first ? describeRange(first.range, first.address) : 'not public';
    const what =
      isIP(hostname) !== 0
        ? `${first?.address ?? hostname} is ${range}`
        : `${hostname} resolves to ${first?.address}, ${range}`;
    super(`address not allowed: ${what}; nothing was sent`);
    this.name = 'AddressNotAllowedError';
    this.hostname = hostname;
    this.refused = refused;
  }
}

/** True when `err` (or its cause) is a refusal by the address policy. */
export function isAddressNotAllowed(err: unknown): err is AddressNotAllowedError {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  return e?.code === ADDRESS_NOT_ALLOWED || e?.cause?.code === ADDRESS_NOT_ALLOWED;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for `net.connect`: resolves with `resolve`, fails if any answer is refused. */
export function createGuardedLookup(
  policy: AddressPolicy = PUBLIC_ONLY,
  resolve: HostResolver = systemResolver,
): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        const refused = answers.map((a) => policy.check(a.address)).filter((v) => !v.allowed);
        if (refused.length > 0) {
          callback(new AddressNotAllowedError(hostname, refused), '');
          return;
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : [...answers];
        const first = usable[0];
        if (!first) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
        } else if (options.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

/** Options of {@link createGuardedAgent}. */
export interface GuardedAgentOptions {
  readonly policy?: AddressPolicy;
  readonly resolve?: HostResolver;
  readonly connectTimeoutMs?: number;
}

/**
 * An agent that connects only where `policy` allows (public unicast by default). A refused
 * connection fails with {@link AddressNotAllowedError} before any byte is sent.
 */
export function createGuardedAgent(options: GuardedAgentOptions = {}): Agent {
  const policy = options.policy ?? PUBLIC_ONLY;
  const lookup = createGuardedLookup(policy, options.resolve);
  const connectTo = buildConnector({ lookup, timeout: options.connectTimeoutMs ?? 10_000 });
  const connect: buildConnector.connector = (opts, callback) => {
    // A literal IP never reaches `lookup` (sockets connect to it directly): judge it here.
    if (isIP(opts.hostname) !== 0) {
      const verdict = policy.check(opts.hostname);
      if (!verdict.allowed) {
        queueMicrotask(() => callback(new AddressNotAllowedError(opts.hostname, [verdict]), null));
        return;
      }
    }
    connectTo(opts, callback);
  };
  return new Agent({ connect });
}
