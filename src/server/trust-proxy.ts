/**
 * Fastify's `trustProxy` from the configured value: a number of proxy hops in front of the
 * gateway (the nearest that many addresses of `X-Forwarded-For` are proxies), or proxy
 * addresses and CIDR ranges; unset, the connecting address is the client's.
 */
export function trustProxyOption(
  value: number | string | undefined,
): string | ((address: string, hop: number) => boolean) | false {
  if (value === undefined) return false;
  if (typeof value === 'string') return value;
  return (_address, hop) => hop < value;
}
