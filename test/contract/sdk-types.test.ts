// The SDK's types against docs/openapi.json: every component and every /v1 request body and 2xx
// answer is generated as a TypeScript type and compared, field by field and enum by enum, with
// the SDK's hand-written type; the compiler does the comparing. A field, an enum value or a whole
// operation the document gains and the SDK lacks (or the other way round) fails the test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { type JsonSchema, type OpenApiDocument, openApiToTypeScript } from './openapi-to-ts.ts';
import { CHECKS, checkSource } from './sdk-type-checks.ts';

const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
// Inside the repository, so that the scratch files see node_modules/@types.
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const scratch = mkdtempSync(join(cache, 'sdk-contract-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const documentText = readFileSync(join(root, 'docs', 'openapi.json'), 'utf8');
const loadDocument = (): OpenApiDocument => JSON.parse(documentText);

/** Compiles the document's types against the SDK's; answers the compiler's complaints. */
function compare(doc: OpenApiDocument, name: string): { ok: boolean; output: string; names: string[] } {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const generated = openApiToTypeScript(doc);
  writeFileSync(join(dir, 'openapi.ts'), generated.source);
  writeFileSync(
    join(dir, 'check.ts'),
    checkSource(join(root, 'packages/sdk/src/index.ts'), join(root, 'src/core/errors.ts')),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2023',
        lib: ['es2023', 'dom'],
        types: [],
        module: 'nodenext',
        strict: true,
        exactOptionalPropertyTypes: true,
        allowImportingTsExtensions: true,
        noEmit: true,
        skipLibCheck: true,
      },
      files: ['check.ts'],
    }),
  );
  const run = spawnSync(tsc, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`, names: generated.names };
}

/** The line of the check file each complaint points at, e.g. `Payment: Expect<...>`. */
function failedChecks(output: string, dir: string): string[] {
  const lines = readFileSync(join(scratch, dir, 'check.ts'), 'utf8').split('\n');
  return [...output.matchAll(/check\.ts\((\d+),\d+\)/g)].map((m) => (lines[Number(m[1]) - 1] ?? '').trim());
}

test('every schema of docs/openapi.json has its SDK type, and they agree field by field', () => {
  const result = compare(loadDocument(), 'as-is');
  assert.deepEqual(
    [...result.names].sort(),
    Object.keys(CHECKS).sort(),
    'each component and each /v1 body and 2xx answer is mapped to an SDK type in test/contract/sdk-type-checks.ts',
  );
  assert.ok(
    result.ok,
    `the SDK's types and the document disagree:\n${failedChecks(result.output, 'as-is').join('\n')}\n${result.output}`,
  );
});

function paymentSchema(doc: OpenApiDocument): { properties: Record<string, JsonSchema>; required: string[] } {
  return doc.components?.schemas?.Payment as never;
}

test('the check fails when the document gains a field, an enum value or loses a field', () => {
  const gained = loadDocument();
  paymentSchema(gained).properties.settled_at = { type: 'string', nullable: true };
  paymentSchema(gained).required.push('settled_at');
  const a = compare(gained, 'gained-field');
  assert.equal(a.ok, false, 'a field the SDK lacks');
  // The component and the list of payments, which refers to it, both fail.
  const failed = failedChecks(a.output, 'gained-field');
  assert.ok(failed.includes('Payment: Expect<Same<Sdk.Payment, Api.Payment>>;'), failed.join('\n'));
  assert.ok(
    failed.includes('get_v1_payments_200: Expect<Same<Sdk.List<Sdk.Payment>, Api.get_v1_payments_200>>;'),
    failed.join('\n'),
  );

  const optional = loadDocument();
  paymentSchema(optional).properties.settled_at = { type: 'string' };
  assert.equal(compare(optional, 'gained-optional').ok, false, 'an optional field the SDK lacks');

  const enumValue = loadDocument();
  const method = paymentSchema(enumValue).properties.payment_method as { enum: string[] };
  method.enum.push('benefit');
  assert.equal(compare(enumValue, 'gained-enum').ok, false, 'an enum value the SDK lacks');

  const lost = loadDocument();
  delete paymentSchema(lost).properties.failure_code;
  assert.equal(compare(lost, 'lost-field').ok, false, 'a field the document no longer has');

  const nullable = loadDocument();
  const amount = paymentSchema(nullable).properties.amount as { nullable?: boolean };
  amount.nullable = true;
  assert.equal(compare(nullable, 'nullable').ok, false, 'a field that became nullable');
});

test('an operation the document gains has no SDK type yet: the mapping check fails', () => {
  const doc = loadDocument() as { paths: Record<string, unknown> };
  doc.paths['/v1/payouts'] = {
    get: { responses: { 200: { content: { 'application/json': { schema: { type: 'object', properties: {} } } } } } },
  };
  const { names } = openApiToTypeScript(doc as OpenApiDocument);
  assert.ok(names.includes('get_v1_payouts_200'));
  assert.notDeepEqual([...names].sort(), Object.keys(CHECKS).sort());
});
