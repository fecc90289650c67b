import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyAddress, createAddressPolicy, liveUrlProblem, PUBLIC_ONLY } from './address-policy.ts';

describe('classifyAddress', () => {
  const cases: [string, string, string][] = [
    // [input, canonical address, range]
    ['0.0.0.0', '0.0.0.0', 'unspecified'],
    ['0.1.2.3', '0.1.2.3', 'unspecified'],
    ['::', '::', 'unspecified'],
    ['127.0.0.1', '127.0.0.1', 'loopback'],
    ['127.255.0.9', '127.255.0.9', 'loopback'],
    ['::1', '::1', 'loopback'],
    ['10.0.0.1', '10.0.0.1', 'private'],
    ['172.16.0.1', '172.16.0.1', 'private'],
    ['172.31.255.254', '172.31.255.254', 'private'],
    ['192.168.1.5', '192.168.1.5', 'private'],
    ['100.64.0.1', '100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', '100.127.255.254', 'carrierGradeNat'],
    ['169.254.169.254', '169.254.169.254', 'linkLocal'],
    ['169.254.0.1', '169.254.0.1', 'linkLocal'],
    ['fe80::1', 'fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'fd12:3456::1', 'uniqueLocal'],
    ['224.0.0.1', '224.0.0.1', 'multicast'],
    ['239.255.255.250', '239.255.255.250', 'multicast'],
    ['ff02::1', 'ff02::1', 'multicast'],
    ['255.255.255.255', '255.255.255.255', 'broadcast'],
    ['240.0.0.1', '240.0.0.1', 'reserved'],
    ['192.0.2.1', '192.0.2.1', 'reserved'],
    ['198.18.0.1', '198.18.0.1', 'reserved'],
    ['2001:db8::1', '2001:db8::1', 'reserved'],
    // IPv4-mapped IPv6 is judged as the IPv4 address it reaches, in both spellings.
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', '127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', '169.254.169.254', 'linkLocal'],
    ['::ffff:a9fe:a9fe', '169.254.169.254', 'linkLocal'],
    ['::ffff:10.0.0.1', '10.0.0.1', 'private'],
    ['::FFFF:C0A8:0101', '192.168.1.1', 'private'],
    ['::ffff:0.0.0.0', '0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', '8.8.8.8', 'unicast'],
    // Forms that embed an IPv4 address, or reach it through a translator: never public.
    ['::127.0.0.1', '::7f00:1', 'ipv4Compatible'],
    ['::8.8.8.8', '::808:808', 'ipv4Compatible'],
    ['::7f00:1', '::7f00:1', 'ipv4Compatible'],
    ['::ffff:0:7f00:1', '::ffff:0:7f00:1', 'rfc6145'],
    ['64:ff9b::7f00:1', '64:ff9b::7f00:1', 'rfc6052'],
    ['64:ff9b::a9fe:a9fe', '64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['2002:7f00:1::', '2002:7f00:1::', '6to4'],
    ['2002:c0a8:101::1', '2002:c0a8:101::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['100::1', '100::1', 'discard'],
    ['fec0::1', 'fec0::1', 'deprecatedSiteLocal'],
    ['5f00::1', '5f00::1', 'segmentRouting'],
    ['4000::1', '4000::1', 'reserved'],
    // Loose IPv4 spellings: decimal, hex, octal, short forms.
    ['2130706433', '127.0.0.1', 'loopback'],
    ['0x7f000001', '127.0.0.1', 'loopback'],
    ['0x7f.1', '127.0.0.1', 'loopback'],
    ['0177.0.0.1', '127.0.0.1', 'loopback'],
    ['127.1', '127.0.0.1', 'loopback'],
    ['012.0.0.1', '10.0.0.1', 'private'],
    ['2852039166', '169.254.169.254', 'linkLocal'],
    // Public unicast.
    ['8.8.8.8', '8.8.8.8', 'unicast'],
    ['93.184.216.34', '93.184.216.34', 'unicast'],
    ['172.32.0.1', '172.32.0.1', 'unicast'],
    ['100.128.0.1', '100.128.0.1', 'unicast'],
    ['2606:4700:4700::1111', '2606:4700:4700::1111', 'unicast'],
    ['2a00:1450:4001::200e', '2a00:1450:4001::200e', 'unicast'],
  ];
  for (const [input, address, range] of cases) {
    test(`${input} is ${range}`, () => {
      assert.deepEqual(classifyAddress(input), { address, range });
      assert.equal(PUBLIC_ONLY.check(input).allowed, range === 'unicast');
    });
  }

  test('what is not an IP address is invalid, and refused', () => {
    for (const input of ['localhost', 'example.com', '', '127.0.0.1.', '1.2.3.4.5', '::ffff:1.2.3.4.5', '[::1']) {
      assert.equal(classifyAddress(input).range, 'invalid', input);
      assert.equal(PUBLIC_ONLY.check(input).allowed, false, input);
    }
  });
});

describe('createAddressPolicy', () => {
  test('allows public unicast, plus only the ranges it names', () => {
    const dev = createAddressPolicy({ alsoAllow: ['loopback'] });
    assert.equal(dev.check('127.0.0.1').allowed, true);
    assert.equal(dev.check('::ffff:127.0.0.1').allowed, true);
    assert.equal(dev.check('::1').allowed, true);
    assert.equal(dev.check('8.8.8.8').allowed, true);
    assert.equal(dev.check('10.0.0.1').allowed, false);
    assert.equal(dev.check('169.254.169.254').allowed, false);
    assert.equal(createAddressPolicy({ alsoAllow: ['invalid'] }).check('localhost').allowed, false);
  });
});

describe('liveUrlProblem', () => {
  test('refuses every spelling of a non-public literal address', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://127.0.0.1:8443/x',
      'https://127.0.0.1./x',
      'https://127.0.0.1../x',
      'https://127.1/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://0x7f000001/',
      'https://0177.0.0.1/',
      'https://%31%32%37.0.0.1/',
      'https://0/',
      'https://0.0.0.0/',
      'https://[::]/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]:9443/',
      'https://[::ffff:7f00:1]/',
      'https://[::ffff:169.254.169.254]/latest/meta-data',
      'https://[::ffff:10.0.0.1]/',
      'https://[::127.0.0.1]/',
      'https://[64:ff9b::a9fe:a9fe]/',
      'https://[2002:7f00:1::]/',
      'https://10.1.2.3/',
      'https://172.20.0.1/',
      'https://192.168.1.5/',
      'https://100.64.0.1/',
      'https://169.254.169.254/latest',
      'https://2852039166/',
      'https://[fe80::1]/',
      'https://[fd00::1]/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
    ]) {
      assert.match(liveUrlProblem(url) ?? '', /^must not point to .* address/, url);
    }
  });

  test('names the metadata address and the range', () => {
    assert.equal(
      liveUrlProblem('https://[::ffff:a9fe:a9fe]/'),
      'must not point to the link-local metadata address (169.254.169.254)',
    );
    assert.equal(liveUrlProblem('https://[::ffff:127.0.0.1]:1/'), 'must not point to a loopback address (127.0.0.1)');
  });

  test('refuses localhost and *.localhost, trailing dots and case included', () => {
    for (const url of [
      'https://localhost/',
      'https://LOCALHOST:8443/',
      'https://localhost./',
      'https://localhost../',
      'https://api.localhost/',
      'https://a.b.LocalHost./',
    ]) {
      assert.equal(liveUrlProblem(url), 'must not point to localhost', url);
    }
  });

  test('wants an absolute https URL', () => {
    assert.equal(liveUrlProblem('http://shop.example/hooks'), 'must be an https:// URL');
    assert.equal(liveUrlProblem('http://127.0.0.1:1234'), 'must be an https:// URL');
    assert.equal(liveUrlProblem('ftp://shop.example/'), 'must be an https:// URL');
    assert.equal(liveUrlProblem('/hooks'), 'must be an absolute https:// URL');
  });

  test('leaves public addresses and host names to the connection-time check', () => {
    for (const url of [
      'https://shop.example/hooks',
      'HTTPS://Shop.Example./hooks',
      'https://localhost.shop.example/',
      'https://8.8.8.8/',
      'https://[2606:4700:4700::1111]/',
      'https://[::ffff:8.8.8.8]/',
    ]) {
      assert.equal(liveUrlProblem(url), undefined, url);
    }
  });
});
