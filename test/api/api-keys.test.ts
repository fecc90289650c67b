import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/core/clock.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';
import { waitFor } from '../support/receiver.ts';

const clock = createManualClock(Date.UTC(2026, 2, 1, 9));
let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({ start: { clock } });
});
after(async () => {
  await gw.close();
});

interface ApiKey {
  id: string;
  object: 'api_key';
  livemode: boolean;
  prefix: string;
  description: string | null;
  status: 'active' | 'revoked' | 'expired';
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  secret?: string;
}

let n = 0;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function post(url: string, key: string, payload?: unknown, idempotencyKey = `ak-${++n}`) {
  return gw.app.inject({
    method: 'POST',
    url,
    headers: { ...auth(key), 'idempotency-key': idempotencyKey },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function createKey(payload: Record<string, unknown> = {}, key = gw.merchant.key): Promise<ApiKey> {
  const res = await post('/v1/api_keys', key, payload);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function listKeys(key = gw.merchant.key): Promise<ApiKey[]> {
  const res = await gw.app.inject({ method: 'GET', url: '/v1/api_keys?limit=100', headers: auth(key) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data;
}

async function statusWith(key: string) {
  const res = await gw.app.inject({ method: 'GET', url: '/v1/payments?limit=1', headers: auth(key) });
  return { status: res.statusCode, code: res.statusCode === 200 ? undefined : res.json().error.code };
}

describe('API keys', () => {
  test('created with its secret shown once; listed and fetched without it', async () => {
    const key = await createKey({ description: 'Order sync' });
    assert.match(key.secret ?? '', /^sk_test_[0-9A-Za-z]{32}$/);
    assert.ok(key.secret?.startsWith(key.prefix.replace('…', '')));
    assert.equal(key.status, 'active');
    assert.equal(key.livemode, false);
    assert.equal(key.description, 'Order sync');
    assert.equal(key.created_at, new Date(clock.now()).toISOString());
    assert.deepEqual([key.expires_at, key.revoked_at, key.last_used_at], [null, null, null]);
    assert.deepEqual(await statusWith(key.secret ?? ''), { status: 200, code: undefined });

    const listed = (await listKeys()).find((k) => k.id === key.id);
    assert.ok(listed);
    assert.equal(listed.secret, undefined);
    const got = await gw.app.inject({ method: 'GET', url: `/v1/api_keys/${key.id}`, headers: auth(gw.merchant.key) });
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().secret, undefined);
    assert.equal(got.json().prefix, key.prefix);
  });

  test('POST needs an Idempotency-Key; a replay answers the same key without its secret', async () => {
    const missing = await gw.app.inject({
      method: 'POST',
      url: '/v1/api_keys',
      headers: auth(gw.merchant.key),
      payload: {},
    });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error.code, 'idempotency_key_missing');

    const first = await post('/v1/api_keys', gw.merchant.key, { description: 'once' }, 'replay-1');
    assert.equal(first.statusCode, 201, first.body);
    const again = await post('/v1/api_keys', gw.merchant.key, { description: 'once' }, 'replay-1');
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.json().id);
    assert.equal(again.json().secret, undefined);
    assert.equal((await listKeys()).filter((k) => k.description === 'once').length, 1, 'the replay made no second key');
  });

  test('a POST without a body makes a key that never expires', async () => {
    const res = await post('/v1/api_keys', gw.merchant.key);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().expires_at, null);
  });

  test('expires_at takes ISO 8601 or Unix seconds in the future, and names itself when wrong', async () => {
    const at = clock.now() + 3600_000;
    const iso = await createKey({ expires_at: new Date(at).toISOString() });
    assert.equal(iso.expires_at, new Date(at).toISOString());
    const unix = await createKey({ expires_at: Math.floor(at / 1000) });
    assert.equal(unix.expires_at, new Date(Math.floor(at / 1000) * 1000).toISOString());
    for (const [payload, code] of [
      [{ expires_at: new Date(clock.now() - 1000).toISOString() }, 'parameter_invalid'],
      [{ expires_at: Math.floor(clock.now() / 1000) }, 'parameter_invalid'],
      [{ expires_at: 'next week' }, 'parameter_invalid'],
      [{ expires_at: true }, 'parameter_invalid'],
      [{ description: '' }, 'parameter_invalid'],
      [{ mode: 'live' }, 'parameter_unknown'],
    ] as const) {
      const res = await post('/v1/api_keys', gw.merchant.key, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error.code, code, JSON.stringify(payload));
      assert.equal(res.json().error.param, Object.keys(payload)[0]);
      assert.ok(res.json().error.request_id);
    }
  });

  test('an expired key gets 401 api_key_expired', async () => {
    const key = await createKey({ expires_at: new Date(clock.now() + 60_000).toISOString() });
    assert.equal((await statusWith(key.secret ?? '')).status, 200);
    clock.advance(60_000);
    assert.deepEqual(await statusWith(key.secret ?? ''), { status: 401, code: 'api_key_expired' });
    const listed = (await listKeys()).find((k) => k.id === key.id);
    assert.equal(listed?.status, 'expired');
  });

  test('a revoked key gets 401 api_key_revoked at once; revoking again answers the same', async () => {
    const key = await createKey();
    assert.equal((await statusWith(key.secret ?? '')).status, 200);
    const revoked = await post(`/v1/api_keys/${key.id}/revoke`, gw.merchant.key);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json().status, 'revoked');
    assert.equal(revoked.json().revoked_at, new Date(clock.now()).toISOString());
    assert.equal(revoked.json().secret, undefined);
    assert.deepEqual(await statusWith(key.secret ?? ''), { status: 401, code: 'api_key_revoked' });

    clock.advance(5000);
    const again = await post(`/v1/api_keys/${key.id}/revoke`, gw.merchant.key);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().revoked_at, revoked.json().revoked_at);
  });

  test('a key revoked directly in storage (another node, the CLI) is refused within a second', async () => {
    const key = await createKey();
    assert.equal((await statusWith(key.secret ?? '')).status, 200);
    await gw.core.repos.accounts.revokeApiKey({ id: key.id, now: clock.now(), keepOneActive: false });
    const deadline = Date.now() + 1500;
    let result = await statusWith(key.secret ?? '');
    while (result.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      result = await statusWith(key.secret ?? '');
    }
    assert.deepEqual(result, { status: 401, code: 'api_key_revoked' });
  });

  test('a key may revoke itself while another active key remains', async () => {
    const key = await createKey();
    const res = await post(`/v1/api_keys/${key.id}/revoke`, key.secret ?? '');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await statusWith(key.secret ?? ''), { status: 401, code: 'api_key_revoked' });
  });

  test("another account's key is not found, listed or revocable", async () => {
    const mine = await createKey();
    for (const req of [
      { method: 'GET' as const, url: `/v1/api_keys/${mine.id}` },
      { method: 'POST' as const, url: `/v1/api_keys/${mine.id}/revoke` },
    ]) {
      const res = await gw.app.inject({
        ...req,
        headers: { ...auth(gw.other.key), 'idempotency-key': `other-${++n}` },
      });
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().error.code, 'resource_not_found');
      assert.equal(res.json().error.param, 'id');
    }
    assert.ok(!(await listKeys(gw.other.key)).some((k) => k.id === mine.id));
    assert.equal((await statusWith(mine.secret ?? '')).status, 200);
  });

  test('the last active key of an account and mode cannot be revoked through the API', async () => {
    const [only] = await listKeys(gw.other.key);
    assert.ok(only);
    const res = await post(`/v1/api_keys/${only.id}/revoke`, gw.other.key);
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().error.code, 'api_key_last_active');
    assert.equal((await statusWith(gw.other.key)).status, 200);
  });

  test('lists newest first with cursors', async () => {
    const a = await createKey();
    const b = await createKey();
    const page = await gw.app.inject({ method: 'GET', url: '/v1/api_keys?limit=1', headers: auth(gw.merchant.key) });
    assert.deepEqual(
      page.json().data.map((k: ApiKey) => k.id),
      [b.id],
    );
    assert.equal(page.json().has_more, true);
    const next = await gw.app.inject({
      method: 'GET',
      url: `/v1/api_keys?limit=1&starting_after=${b.id}`,
      headers: auth(gw.merchant.key),
    });
    assert.deepEqual(
      next.json().data.map((k: ApiKey) => k.id),
      [a.id],
    );
    const bad = await gw.app.inject({
      method: 'GET',
      url: '/v1/api_keys?starting_after=pay_1',
      headers: auth(gw.merchant.key),
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.param, 'starting_after');
  });

  test('last_used_at is written at most once a minute', async () => {
    const key = await createKey();
    const secret = key.secret ?? '';
    const lastUsed = async () => (await listKeys()).find((k) => k.id === key.id)?.last_used_at;
    const t1 = new Date(clock.now()).toISOString();
    assert.equal((await statusWith(secret)).status, 200);
    await waitFor(async () => (await lastUsed()) === t1, 2000, 'last_used_at');

    clock.advance(30_000);
    for (let i = 0; i < 3; i++) assert.equal((await statusWith(secret)).status, 200);
    // A write would have been queued before this read on the same database connection.
    assert.equal(await lastUsed(), t1);

    clock.advance(30_000);
    const t2 = new Date(clock.now()).toISOString();
    assert.equal((await statusWith(secret)).status, 200);
    await waitFor(async () => (await lastUsed()) === t2, 2000, 'last_used_at a minute later');
  });
});
