import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { trustProxyOption } from './trust-proxy.ts';

async function clientAddress(value: number | string | undefined, forwardedFor: string): Promise<string> {
  const app = Fastify({ trustProxy: trustProxyOption(value) });
  app.get('/', async (request) => request.ip);
  const res = await app.inject({
    method: 'GET',
    url: '/',
    remoteAddress: '10.0.0.1',
    headers: { 'x-forwarded-for': forwardedFor },
  });
  await app.close();
  return res.body;
}

describe('trustProxyOption', () => {
  it('believes no X-Forwarded-For unless told', async () => {
    assert.equal(await clientAddress(undefined, '203.0.113.7'), '10.0.0.1');
  });

  it('takes the address a number of hops back, so a client cannot name itself', async () => {
    assert.equal(await clientAddress(1, '198.51.100.9, 203.0.113.7'), '203.0.113.7');
    assert.equal(await clientAddress(2, '198.51.100.9, 203.0.113.7'), '198.51.100.9');
  });

  it('believes only the listed proxies', async () => {
    assert.equal(await clientAddress('10.0.0.0/8', '203.0.113.7'), '203.0.113.7');
    assert.equal(await clientAddress('192.168.0.1', '203.0.113.7'), '10.0.0.1');
  });
});
