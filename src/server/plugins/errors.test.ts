import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import pino from 'pino';
import { systemClock } from '../../core/clock.ts';
import { createIdGenerator } from '../../core/ids.ts';
import { outsideRouteOptions, validationError } from './errors.ts';

describe('validationError', () => {
  test('a list where a query value should be text means the parameter was repeated', () => {
    const e = validationError('querystring', [
      { instancePath: '/limit', keyword: 'type', params: { type: 'string' }, message: 'must be string' },
    ]);
    assert.equal(e.code, 'parameter_invalid');
    assert.equal(e.param, 'limit');
    assert.equal(e.message, 'limit is given more than once; give it once.');
  });

  test('a field or parameter with an empty name is described, never named ""', () => {
    const query = validationError('querystring', [
      { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: '' } },
    ]);
    assert.equal(query.param, undefined);
    assert.equal(query.message, 'The query string has a parameter with an empty name.');
    const nested = validationError('body', [
      { instancePath: '/customer', keyword: 'additionalProperties', params: { additionalProperty: '' } },
    ]);
    assert.equal(nested.param, 'customer');
    assert.equal(nested.message, 'customer has a field with an empty name.');
  });

  test('JSON pointer escapes in a path are undone', () => {
    const e = validationError('body', [
      {
        instancePath: '/metadata/a~1b',
        keyword: 'maxLength',
        params: {},
        message: 'must NOT have more than 500 characters',
      },
    ]);
    assert.equal(e.param, 'metadata.a/b');
  });
});

describe('clientErrorHandler', () => {
  function fakeSocket(overrides: Partial<{ writable: boolean; destroyed: boolean; _httpMessage: unknown }> = {}) {
    const written: string[] = [];
    let destroyed = false;
    const socket = {
      writable: true,
      destroyed: false,
      ...overrides,
      write: (text: string) => written.push(text),
      destroy: () => {
        destroyed = true;
      },
    };
    return { socket: socket as unknown as Socket, written, wasDestroyed: () => destroyed };
  }
  const handler = outsideRouteOptions({
    ids: createIdGenerator(systemClock),
    logger: pino({ level: 'silent' }),
    securityHeaders: { hsts: false },
    publicUrl: () => 'https://pay.example.qa/',
  }).clientErrorHandler;
  const error = (code: string) => Object.assign(new Error(code), { code });

  for (const [code, status, name] of [
    ['HPE_HEADER_OVERFLOW', 431, 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout'],
    ['HPE_INVALID_METHOD', 400, 'request_invalid'],
  ] as const) {
    test(`${code} is answered ${status} ${name} in the one shape, then the socket closes`, () => {
      const s = fakeSocket();
      handler(error(code), s.socket);
      const text = s.written.join('');
      assert.match(text, new RegExp(`^HTTP/1.1 ${status} `));
      const [head, body] = text.split('\r\n\r\n') as [string, string];
      const id = /\r\nrequest-id: (req_\w+)\r\n/.exec(head)?.[1];
      assert.ok(id, 'a request-id header');
      assert.match(head, /\r\nx-content-type-options: nosniff\r\n/);
      assert.match(head, /\r\ncache-control: no-store\r\n/);
      assert.match(head, new RegExp(`\\r\\ncontent-length: ${Buffer.byteLength(body)}\\r\\n`));
      assert.deepEqual(Object.keys(JSON.parse(body).error), ['type', 'code', 'message', 'doc_url', 'request_id']);
      assert.equal(JSON.parse(body).error.code, name);
      assert.equal(JSON.parse(body).error.doc_url, `https://pay.example.qa/docs/errors#${name}`);
      assert.equal(JSON.parse(body).error.request_id, id);
      assert.ok(s.wasDestroyed());
    });
  }

  test('a reset connection, or one whose answer has begun, gets nothing written', () => {
    const reset = fakeSocket();
    handler(error('ECONNRESET'), reset.socket);
    assert.deepEqual(reset.written, []);
    const busy = fakeSocket({ _httpMessage: { headersSent: true } });
    handler(error('HPE_INVALID_METHOD'), busy.socket);
    assert.deepEqual(busy.written, []);
    assert.ok(busy.wasDestroyed());
  });
});
