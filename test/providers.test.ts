// One provider list: the connectors' registry and the emulators' registry name the same
// providers, and the configuration, the sandbox and `bawaba emulate` take theirs from them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { allSettings, EMULATOR_PORT_SETTINGS, loadConfig } from '../src/config.ts';
import { CONNECTOR_FACTORIES } from '../src/connectors/registry.ts';
import { EMULATOR_NAMES, EMULATORS } from '../src/emulators/registry.ts';
import { createConnectors, openCore } from '../src/main.ts';
import { startSandbox } from '../src/sandbox.ts';
import { testConfig } from './support/gateway.ts';

const root = resolve(import.meta.dirname, '..');
const connectorIds = CONNECTOR_FACTORIES.map((create) => create({ timeoutMs: 1000 }).id);

test('every connector has an emulator and every emulator a connector, under the same id', () => {
  assert.ok(connectorIds.length >= 4);
  assert.equal(new Set(connectorIds).size, connectorIds.length, 'no connector id twice');
  assert.deepEqual([...EMULATOR_NAMES].sort(), [...connectorIds].sort());
  assert.deepEqual([...createConnectors(testConfig()).ids()].sort(), [...connectorIds].sort());
});

test('each emulator has a port variable named after its id, with the ports and names of before', () => {
  assert.deepEqual(Object.keys(EMULATOR_PORT_SETTINGS).sort(), [...connectorIds].sort());
  const defaults = loadConfig({}).emulatorPorts;
  assert.deepEqual(Object.keys(defaults).sort(), [...connectorIds].sort());
  assert.equal(new Set(Object.values(defaults)).size, EMULATORS.length, 'no two emulators on one default port');
  assert.deepEqual(Object.fromEntries(Object.values(EMULATOR_PORT_SETTINGS).map((s) => [s.name, s.fallback])), {
    BAWABA_EMULATOR_CHECKOUT_COM_PORT: '4100',
    BAWABA_EMULATOR_TAP_PORT: '4101',
    BAWABA_EMULATOR_AKURATECO_PORT: '4102',
    BAWABA_EMULATOR_QATTAH_PORT: '4103',
  });
  const set = loadConfig({ BAWABA_EMULATOR_CHECKOUT_COM_PORT: '5100', BAWABA_EMULATOR_QATTAH_PORT: '0' });
  assert.deepEqual(set.emulatorPorts, { checkout_com: 5100, tap: 4101, akurateco: 4102, qattah: 0 });
  assert.throws(() => loadConfig({ BAWABA_EMULATOR_TAP_PORT: 'x' }), /BAWABA_EMULATOR_TAP_PORT must be an integer/);
});

test("the README's configuration table lists every variable, the emulators' ports as the code has them", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `([A-Z_]+)` \| (.*?) \| (.*) \|$/gm)].map((m) => [m[1], { fallback: m[2], text: m[3] }]),
  );
  for (const setting of allSettings()) assert.ok(rows.has(setting.name), `README lists ${setting.name}`);
  for (const setting of Object.values(EMULATOR_PORT_SETTINGS)) {
    assert.deepEqual(rows.get(setting.name), { fallback: `\`${setting.fallback}\``, text: setting.description });
  }
});

test('the sandbox starts every emulator and gives each account a working connector of each, kept across restarts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bawaba-providers-'));
  const config = testConfig({ dataDir });
  const core = await openCore(config);
  const connectors = createConnectors(config);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const first = await startSandbox(config, core, 'http://127.0.0.1:4000', closers);
    assert.deepEqual(
      first.emulators.map((e) => e.name),
      EMULATORS.map((e) => e.name),
    );
    const [account] = await core.repos.accounts.listAccounts();
    assert.ok(account);
    const stored = async () => {
      const list = [];
      for (const id of connectorIds) list.push(await core.repos.connectorAccounts.find(account.id, 'test', id));
      return list;
    };
    const made = await stored();
    for (const [i, ca] of made.entries()) {
      const id = connectorIds[i] ?? '';
      assert.ok(ca, `a test-mode ${id} connector account`);
      const emulator = first.emulators.find((e) => e.name === id);
      assert.equal(ca.settings.base_url, emulator?.baseUrl);
      assert.equal(ca.priority, emulator?.sandbox.priority);
      for (const [name, value] of Object.entries(emulator?.sandbox.settings ?? {}))
        assert.equal(ca.settings[name], value);
      // The emulator names the credentials in its own words; they are the ones the connector needs.
      const spec = connectors.get(id)?.configuration;
      assert.ok(spec);
      for (const name of spec.credentials.required) assert.ok(ca.credentials[name], `${id} has credential ${name}`);
      const known = [...spec.credentials.required, ...spec.credentials.optional];
      for (const name of Object.keys(ca.credentials)) assert.ok(known.includes(name), `${id} takes credential ${name}`);
      for (const name of Object.keys(ca.settings))
        assert.ok(spec.settings.includes(name), `${id} takes setting ${name}`);
      assert.ok(ca.settings.base_url?.startsWith('http://127.0.0.1:'));
    }
    assert.deepEqual(
      Object.fromEntries(made.map((ca) => [ca?.connector, ca?.priority])),
      { checkout_com: 100, tap: 200, akurateco: 100, qattah: 100 },
      'routing order as before',
    );
    assert.equal(made[connectorIds.indexOf('akurateco')]?.settings.status_by_order_id, 'true');
    await closeAll();

    // A restart registers the same merchants again, with the keys the gateway stored.
    const second = await startSandbox(config, core, 'http://127.0.0.1:4000', closers);
    const again = await stored();
    assert.deepEqual(
      again.map((ca) => [ca?.id, ca?.credentials]),
      made.map((ca) => [ca?.id, ca?.credentials]),
    );
    assert.equal(second.emulators.length, EMULATORS.length);
  } finally {
    await closeAll();
    await core.database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
