import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConnectorAccount, ProviderPaymentRequest } from '../../core/connector-contract.ts';
import type { QattahControl } from '../../emulators/qattah/control.ts';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import { createQattahConnector } from './index.ts';
import { parseOrder } from './mapper.ts';

let n = 0;
function request(): ProviderPaymentRequest {
  const paymentId = `pay_window${String(++n).padStart(16, '0')}`;
  return {
    paymentId,
    money: { amount: 10_000, currency: 'SAR' },
    paymentMethod: 'qattah',
    description: 'Dinner',
    reference: null,
    customer: null,
    metadata: {},
    returnUrl: `http://bawaba.test/return/qattah/${paymentId}`,
    idempotencyKey: `${paymentId}:create`,
    locale: 'en',
    notificationUrl: 'http://127.0.0.1:9/hook',
  };
}

describe('qattah: the api_token in the form the settings name, and both window starts', () => {
  let emu: RunningEmulator<QattahControl>;
  const connector = createQattahConnector({ timeoutMs: 400 });
  const account = (settings: Record<string, string> = {}): ConnectorAccount => ({
    id: 'ca_window',
    accountId: 'acct_window',
    mode: 'test',
    connector: 'qattah',
    credentials: { api_token: emu.credentials.secretKey },
    settings: { base_url: emu.baseUrl, ...settings },
    priority: 300,
    createdAt: 0,
    updatedAt: 0,
  });
  const create = async (acct = account()) => {
    const out = await connector.createPayment(acct, request());
    if (out.kind !== 'created') throw new Error(JSON.stringify(out));
    return out.snapshot.providerPaymentId;
  };
  const status = async (id: string) => {
    const got = await connector.retrievePayment(account(), id);
    return got.kind === 'found' ? got.snapshot.status : got.kind;
  };
  const MINUTE = 60_000;

  before(async () => {
    emu = await startEmulator('qattah', { port: 0 });
  });
  after(() => emu.close());

  test('every call sends the form its settings name: Bearer by default, the bare token when asked', async () => {
    for (const [settings, form] of [
      [{}, 'bearer'],
      [{ auth_scheme: 'bearer' }, 'bearer'],
      [{ auth_scheme: 'bare' }, 'bare'],
    ] as const) {
      const acct = account(settings);
      const since = emu.control.requests().length;
      const id = await create(acct);
      assert.equal((await connector.retrievePayment(acct, id)).kind, 'found');
      assert.equal((await connector.cancelPayment?.(acct, id))?.kind, 'canceled');
      const used = emu.control.requests().slice(since);
      assert.equal(used.length, 3, JSON.stringify(used));
      for (const r of used) {
        assert.equal(r.auth_scheme, form, `${JSON.stringify(settings)}: ${r.method} ${r.path}`);
        assert.ok(r.merchant_id?.startsWith('mer_'), 'authenticated');
        assert.equal(r.status, 200);
      }
    }
  });

  test('auth_scheme is checked when configured: bearer or bare, nothing else', () => {
    const check = connector.configuration.checkSetting;
    assert.ok(connector.configuration.settings.includes('auth_scheme'));
    assert.equal(check?.('auth_scheme', 'bearer'), undefined);
    assert.equal(check?.('auth_scheme', 'bare'), undefined);
    for (const bad of ['Bearer', 'token', ''])
      assert.match(check?.('auth_scheme', bad) ?? '', /^must be "bearer" or "bare"/);
    assert.equal(check?.('base_url', 'http://x'), undefined);
  });

  test('window from creation: an order nobody opened is expired 15 minutes after it was made', async () => {
    emu.control.updateSettings({ window_starts: 'creation' });
    const id = await create();
    emu.control.advanceClock(15 * MINUTE + 1000);
    assert.equal(await status(id), 'expired');
  });

  test('window from the first payer: pending until someone starts, then 15 minutes from the start', async () => {
    emu.control.updateSettings({ window_starts: 'first_payer' });
    const id = await create();
    emu.control.advanceClock(40 * MINUTE);
    assert.equal(await status(id), 'pending', 'nobody started: the clock has not run');
    assert.equal(emu.control.getOrder(id)?.started_at, null);
    const split = emu.control.split(id, { people: 2 });
    assert.ok(split.ok);
    emu.control.advanceClock(14 * MINUTE);
    assert.equal(await status(id), 'pending', '14 minutes after the start, still open');
    emu.control.advanceClock(2 * MINUTE);
    assert.equal(await status(id), 'expired');
    emu.control.updateSettings({ window_starts: 'creation' });
  });

  test('an order whose words say open but whose flags say timed out is expired; started_at must be a time', () => {
    const open = {
      id: 'ord_o9MmBw6vowxrR',
      amount: '100.00',
      started_at: '2024-02-26T02:22:53.000000Z',
      is_expired: false,
      is_timed_out: false,
      activity_status: 'STARTED',
      payment_status: 'PENDING',
      invoices: [],
    };
    assert.equal(parseOrder(open)?.status, 'pending');
    assert.equal(parseOrder({ ...open, started_at: null })?.status, 'pending');
    assert.equal(parseOrder({ ...open, is_timed_out: true })?.status, 'expired');
    assert.equal(parseOrder({ ...open, is_expired: true })?.status, 'expired');
    assert.equal(parseOrder({ ...open, started_at: 'soon' }), undefined);
    assert.equal(parseOrder({ ...open, started_at: 1 }), undefined);
    // The money words still decide first: a paid order is paid whatever its flags.
    assert.equal(
      parseOrder({ ...open, activity_status: 'PAID', payment_status: 'PAID', is_expired: true })?.status,
      'captured',
    );
  });
});
