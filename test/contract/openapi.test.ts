import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openApiDocument } from '../support/openapi.ts';

test('docs/openapi.json is what the app serves (regenerate: node --import tsx scripts/dump-openapi.ts)', async () => {
  const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
  assert.deepEqual(await openApiDocument(), committed);
});

test('every operation says what it does; every request body has an example the API takes', async () => {
  const { createTestGateway } = await import('../support/gateway.ts');
  const doc = (await openApiDocument()) as {
    paths: Record<string, Record<string, { summary?: string; requestBody?: { content: Record<string, unknown> } }>>;
  };
  const gw = await createTestGateway();
  try {
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries(operations)) {
        assert.ok(op.summary, `${method.toUpperCase()} ${path} has a summary`);
        const body = op.requestBody?.content['application/json'] as { example?: unknown } | undefined;
        if (body === undefined) continue;
        const example = body.example;
        assert.ok(example, `${method.toUpperCase()} ${path} has an example body`);
        // Sent as it is (ids made up): whatever the answer, it is not a refusal of the body.
        const res = await gw.app.inject({
          method: method.toUpperCase() as 'POST' | 'PUT',
          url: path.replace(/\{connector\}/, 'checkout_com').replace(/\{[a-z_]+\}/g, 'x_00000000000000000000000000'),
          headers: { authorization: `Bearer ${gw.merchant.key}`, 'idempotency-key': `example-${method}-${path}` },
          payload: example as Record<string, unknown>,
        });
        const code = res.statusCode >= 400 ? (res.json() as { error: { code: string } }).error.code : '';
        assert.ok(
          !/^(parameter_|body_|amount_|currency_|url_)/.test(code),
          `${method.toUpperCase()} ${path}: its example was refused: ${res.body}`,
        );
      }
    }
  } finally {
    await gw.close();
  }
});
