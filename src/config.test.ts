import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';

describe('rate limit and proxy settings', () => {
  it('default to limits that leave real customers and providers room', () => {
    const c = loadConfig({});
    assert.deepEqual(
      [
        c.rateLimitReturnsPerAddress,
        c.rateLimitReturnsPerPayment,
        c.rateLimitHooksPerAddress,
        c.rateLimitHooksPerConnectorAccount,
      ],
      [60, 30, 120000, 60000],
    );
    assert.equal(c.trustProxy, undefined);
  });

  it('read limits (0 turns one off) and proxies, naming the variable when wrong', () => {
    const c = loadConfig({ BAWABA_RATE_LIMIT_RETURNS_PER_PAYMENT: '0', BAWABA_TRUST_PROXY: '2' });
    assert.equal(c.rateLimitReturnsPerPayment, 0);
    assert.equal(c.trustProxy, 2);
    assert.equal(loadConfig({ BAWABA_TRUST_PROXY: '10.0.0.0/8, 192.168.1.5' }).trustProxy, '10.0.0.0/8,192.168.1.5');
    assert.throws(
      () => loadConfig({ BAWABA_RATE_LIMIT_HOOKS_PER_ADDRESS: 'lots' }),
      /BAWABA_RATE_LIMIT_HOOKS_PER_ADDRESS/,
    );
    assert.throws(
      () => loadConfig({ BAWABA_TRUST_PROXY: 'true' }),
      /BAWABA_TRUST_PROXY must be a number of proxy hops/,
    );
    assert.throws(() => loadConfig({ BAWABA_TRUST_PROXY: '0' }), /BAWABA_TRUST_PROXY/);
  });
});

describe('emulator state setting', () => {
  it('keeps the sandbox emulators in a file by default, in memory when asked', () => {
    assert.equal(loadConfig({}).emulatorState, 'file');
    assert.equal(loadConfig({ BAWABA_EMULATOR_STATE: 'memory' }).emulatorState, 'memory');
    assert.throws(
      () => loadConfig({ BAWABA_EMULATOR_STATE: 'disk' }),
      /BAWABA_EMULATOR_STATE must be one of file, memory/,
    );
  });
});
