import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { createAddressPolicy, PUBLIC_ONLY } from './address-policy.ts';
import {
  ADDRESS_NOT_ALLOWED,
  createGuardedAgent,
  createGuardedLookup,
  type HostResolver,
  isAddressNotAllowed,
} from './guarded-agent.ts';

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

/** A resolver answering from a table, counting the questions it was asked. */
function fakeResolver(table: Record<string, LookupAddress[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers;
  };
  return Object.assign(resolve, { asked });
}

function lookupOnce(
  lookup: ReturnType<typeof createGuardedLookup>,
  hostname: string,
  options: { all?: boolean; family?: number } = { all: true },
): Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number | undefined }> {
  return new Promise((resolve) =>
    lookup(hostname, options, (err, address, family) => resolve({ err, address, family })),
  );
}

describe('createGuardedLookup', () => {
  const resolver = fakeResolver({
    'public.example': [v4('93.184.216.34'), v6('2606:2800:220:1:248:1893:25c8:1946')],
    'mixed.example': [v4('93.184.216.34'), v4('10.0.0.7')],
    'mixed-v6.example': [v6('2606:2800:220:1:248:1893:25c8:1946'), v6('fd00::7')],
    'private.example': [v4('192.168.0.10'), v4('172.16.3.4')],
    'metadata.example': [v4('169.254.169.254')],
    'mapped.example': [v6('::ffff:127.0.0.1')],
    'mapped-hex.example': [v6('::ffff:a9fe:a9fe')],
    'unspecified.example': [v6('::')],
  });
  const lookup = createGuardedLookup(PUBLIC_ONLY, resolver);

  test('answers with every address when all are public', async () => {
    const all = await lookupOnce(lookup, 'public.example');
    assert.equal(all.err, null);
    assert.deepEqual(all.address, [v4('93.184.216.34'), v6('2606:2800:220:1:248:1893:25c8:1946')]);
    const one = await lookupOnce(lookup, 'public.example', {});
    assert.deepEqual([one.address, one.family], ['93.184.216.34', 4]);
    const six = await lookupOnce(lookup, 'public.example', { family: 6 });
    assert.deepEqual([six.address, six.family], ['2606:2800:220:1:248:1893:25c8:1946', 6]);
  });

  for (const [host, refused] of [
    ['mixed.example', '10.0.0.7'],
    ['mixed-v6.example', 'fd00::7'],
    ['private.example', '192.168.0.10'],
    ['metadata.example', '169.254.169.254'],
    ['mapped.example', '127.0.0.1'],
    ['mapped-hex.example', '169.254.169.254'],
    ['unspecified.example', '::'],
  ] as const) {
    test(`refuses ${host}: one non-public answer is enough`, async () => {
      for (const options of [{ all: true }, {}, { family: 4 }]) {
        const { err } = await lookupOnce(lookup, host, options);
        assert.ok(isAddressNotAllowed(err), `${host} ${JSON.stringify(options)}: ${err}`);
        assert.equal(err.code, ADDRESS_NOT_ALLOWED);
        assert.equal(err.hostname, host);
        assert.equal(err.refused[0]?.address, refused);
      }
    });
  }

  test("passes the resolver's own failure on", async () => {
    const { err } = await lookupOnce(lookup, 'nowhere.example');
    assert.equal(err?.code, 'ENOTFOUND');
    assert.equal(isAddressNotAllowed(err), false);
  });
});

describe('createGuardedAgent against a server on 127.0.0.1', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  before(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('inside');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // Names that only this resolver knows: reaching the server proves the socket connected to
  // the checked answer, not to whatever a second resolution would have said.
  const resolver = fakeResolver({
    'hooks.shop.example': [v4('127.0.0.1')],
    'mixed.shop.example': [v4('127.0.0.1'), v4('10.1.2.3')],
    'mapped.shop.example': [v6('::ffff:127.0.0.1')],
  });
  const loopbackAllowed = createGuardedAgent({
    policy: createAddressPolicy({ alsoAllow: ['loopback'] }),
    resolve: resolver,
  });
  const publicOnly = createGuardedAgent({ resolve: resolver });
  after(async () => {
    await loopbackAllowed.close();
    await publicOnly.close();
  });

  async function get(url: string, dispatcher: typeof publicOnly): Promise<{ status?: number; err?: unknown }> {
    try {
      const res = await request(url, { dispatcher, signal: AbortSignal.timeout(5000) });
      await res.body.text();
      return { status: res.statusCode };
    } catch (err) {
      return { err };
    }
  }

  test('connects where the policy allows: a resolved name and a literal', async () => {
    const before = hits;
    const asked = resolver.asked.length;
    assert.equal((await get(`http://hooks.shop.example:${port}/`, loopbackAllowed)).status, 200);
    assert.deepEqual(resolver.asked.slice(asked), ['hooks.shop.example'], 'resolved once, for that connection');
    assert.equal((await get(`http://127.0.0.1:${port}/`, loopbackAllowed)).status, 200);
    assert.equal(hits, before + 2);
  });

  test('the public-only agent never reaches the server, whatever the spelling', async () => {
    const before = hits;
    for (const url of [
      `http://hooks.shop.example:${port}/`,
      `http://mixed.shop.example:${port}/`,
      `http://mapped.shop.example:${port}/`,
      `http://127.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `https://127.0.0.1:${port}/`,
    ]) {
      const { status, err } = await get(url, publicOnly);
      assert.equal(status, undefined, url);
      assert.ok(isAddressNotAllowed(err), `${url}: ${err}`);
      assert.match(
        (err as Error).message,
        /^address not allowed: (\S+ resolves to 127\.0\.0\.1,|127\.0\.0\.1 is) a loopback address; nothing was sent$/,
      );
    }
    assert.equal(hits, before, 'no request reached the server');
  });

  test('the loopback-allowing agent still refuses a name with one private answer', async () => {
    const before = hits;
    const { err } = await get(`http://mixed.shop.example:${port}/`, loopbackAllowed);
    assert.ok(isAddressNotAllowed(err), String(err));
    assert.equal(hits, before);
  });
});
