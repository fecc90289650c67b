/**
 * Which IP addresses outbound calls may reach. Live-mode webhooks and live connector accounts
 * reach public unicast addresses only: never this machine, its networks, or a cloud metadata
 * service, whatever spelling the address comes in.
 */
import ipaddr from 'ipaddr.js';

/** An IP address as classified: IPv4-mapped IPv6 unwrapped, and the range it falls in. */
export interface AddressClass {
  /** Canonical text (`127.0.0.1` for `::ffff:7f00:1`, `0x7f.1` or `2130706433`). */
  readonly address: string;
  /** `unicast` for a public address; else ipaddr.js's range name, `ipv4Compatible`, or `invalid`. */
  readonly range: string;
}

/** A decision about one address. */
export interface AddressVerdict extends AddressClass {
  readonly allowed: boolean;
}

/** Decides which addresses a connection may reach. */
export interface AddressPolicy {
  check(address: string): AddressVerdict;
}

/** IPv6 global unicast is 2000::/3; everything outside it is special or unassigned. */
function isGlobalUnicastV6(ip: ipaddr.IPv6): boolean {
  return ((ip.parts[0] ?? 0) & 0xe000) === 0x2000;
}

/**
 * IPv6 text in the URL standard's canonical form. ipaddr.js reads `::a.b.c.d` as if it were
 * `::ffff:a.b.c.d`; the URL parser reads it as the IPv4-compatible `::xxxx:xxxx` it is.
 */
function canonicalV6(text: string): string {
  const zone = text.indexOf('%');
  const address = zone < 0 ? text : text.slice(0, zone);
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1) + (zone < 0 ? '' : text.slice(zone));
  } catch {
    return text;
  }
}

/**
 * Classifies an IP address literal (brackets allowed). IPv4-mapped IPv6 (`::ffff:a.b.c.d`, also
 * written `::ffff:7f00:1`) is unwrapped first, so it is judged as the IPv4 address it reaches.
 * IPv6 outside 2000::/3 (IPv4-compatible `::a.b.c.d` included) is never `unicast`.
 */
export function classifyAddress(raw: string): AddressClass {
  const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  const text = bare.includes(':') ? canonicalV6(bare) : bare;
  if (!ipaddr.isValid(text)) return { address: raw, range: 'invalid' };
  let ip = ipaddr.parse(text);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range: string = ip.range();
  if (ip.kind() === 'ipv6' && range === 'unicast' && !isGlobalUnicastV6(ip as ipaddr.IPv6)) {
    const v6 = ip as ipaddr.IPv6;
    const compatible = v6.parts.slice(0, 6).every((p) => p === 0);
    return { address: ip.toString(), range: compatible ? 'ipv4Compatible' : 'reserved' };
  }
  return { address: ip.toString(), range };
}

/**
 * A policy that allows public unicast addresses, plus the ranges named in `alsoAllow`
 * (e.g. `['loopback']` for a development set-up). Anything that is not an IP address is refused.
 */
export function createAddressPolicy(options: { readonly alsoAllow?: readonly string[] } = {}): AddressPolicy {
  const extra = new Set(options.alsoAllow ?? []);
  return {
    check(address) {
      const c = classifyAddress(address);
      return { ...c, allowed: c.range === 'unicast' || (c.range !== 'invalid' && extra.has(c.range)) };
    },
  };
}

/** Public unicast addresses only: the policy of live mode. */
export const PUBLIC_ONLY: AddressPolicy = createAddressPolicy();

const LABELS: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  private: 'a private address',
  carrierGradeNat: 'a carrier-grade NAT address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
  rfc6052: 'a NAT64 address',
  rfc6145: 'an IPv4-translated address',
  ipv4Compatible: 'an IPv4-compatible IPv6 address',
};

/** Words for a refused range, for messages: `a loopback address`. */
export function describeRange(range: string, address?: string): string {
  if (address === '169.254.169.254') return 'the link-local metadata address';
  return LABELS[range] ?? `a reserved address (${range})`;
}

/** A host name that always means this machine (RFC 6761), trailing dots ignored. */
function isLocalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * What is wrong with `raw` as the URL of a live-mode outbound call, as the end of a sentence
 * starting with the parameter's name (`must be an https:// URL`); undefined when nothing is.
 * Only what the URL itself says is judged here: a host name is resolved and checked again each
 * time a connection is made.
 */
export function liveUrlProblem(raw: string, policy: AddressPolicy = PUBLIC_ONLY): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  // The URL parser already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
  const host = url.hostname.replace(/\.+$/, '').toLowerCase();
  if (host === '') return 'must name a host';
  if (isLocalName(host)) return 'must not point to localhost';
  const verdict = policy.check(host);
  if (verdict.range === 'invalid' || verdict.allowed) return undefined;
  return `must not point to ${describeRange(verdict.range, verdict.address)} (${verdict.address})`;
}
