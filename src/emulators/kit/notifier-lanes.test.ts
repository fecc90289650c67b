import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { waitFor } from '../../../test/support/wait.ts';
import { createEmulatorClock } from './clock.ts';
import { createGenericNotifier, type GenericNotifierOptions, type OutgoingNotification } from './notifier.ts';

/** A receiver that holds every request until the test answers it. */
async function holdingServer() {
  const waiting: { body: string; res: ServerResponse }[] = [];
  const arrived: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      arrived.push(body);
      waiting.push({ body, res });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrived,
    /** Bodies received and not answered yet. */
    open: () => waiting.map((w) => w.body),
    /** Answers the held request with `body` (200). */
    answer(body: string, status = 200): void {
      const index = waiting.findIndex((w) => w.body === body);
      const [held] = waiting.splice(index, 1);
      assert.ok(held, `${body} is not held`);
      held.res.writeHead(status).end();
    },
  };
}

/** A short while in which nothing more must arrive. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 100));

function notifier(options: Partial<GenericNotifierOptions> = {}) {
  const n = createGenericNotifier({ clock: createEmulatorClock(), ...options });
  after(() => n.close());
  return n;
}

function note(url: string, id: string, subjectId: string, extra: Partial<OutgoingNotification> = {}) {
  return { id, type: 't', subjectId, body: Buffer.from(id), targets: [{ url, headers: {} }], ...extra };
}

test('different subjects go out side by side; one subject waits for the answer to its last', async () => {
  const rx = await holdingServer();
  const n = notifier();
  n.send(note(rx.url, 'a1', 'pay_a'));
  n.send(note(rx.url, 'a2', 'pay_a'));
  n.send(note(rx.url, 'b1', 'pay_b'));
  n.send(note(rx.url, 'c1', 'pay_c'));
  await waitFor(() => rx.open().length === 3, 5_000, 'three subjects in flight');
  await quiet();
  assert.deepEqual(rx.open().sort(), ['a1', 'b1', 'c1']);
  rx.answer('b1');
  rx.answer('c1');
  await quiet();
  assert.deepEqual(rx.open().sort(), ['a1'], 'a2 still waits for a1');
  rx.answer('a1');
  await waitFor(() => rx.open().includes('a2'), 5_000, 'a2 after a1');
  rx.answer('a2');
  await waitFor(() => n.records().every((r) => r.delivered), 5_000, 'all delivered');
});

test('at most maxInFlightPerUrl copies in flight to one URL; the rest wait in release order', async () => {
  const rx = await holdingServer();
  const n = notifier({ maxInFlightPerUrl: 2 });
  for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) n.send(note(rx.url, id, `pay_${id}`));
  await waitFor(() => rx.open().length === 2, 5_000, 'two in flight');
  await quiet();
  assert.deepEqual(rx.open(), ['p1', 'p2']);
  assert.deepEqual(
    n.records().map((r) => r.status),
    ['queued', 'queued', 'queued', 'queued', 'queued'],
  );
  rx.answer('p2');
  await waitFor(() => rx.open().includes('p3'), 5_000, 'p3 takes the free slot');
  rx.answer('p1');
  await waitFor(() => rx.open().includes('p4'), 5_000, 'then p4');
  assert.deepEqual(rx.open(), ['p3', 'p4']);
  rx.answer('p3');
  rx.answer('p4');
  await waitFor(() => rx.open().includes('p5'), 5_000, 'then p5');
  rx.answer('p5');
  await waitFor(() => n.records().every((r) => r.delivered), 5_000, 'all delivered');
  assert.deepEqual(rx.arrived, ['p1', 'p2', 'p3', 'p4', 'p5']);
  assert.throws(() => createGenericNotifier({ clock: createEmulatorClock(), maxInFlightPerUrl: 0 }), RangeError);
});

test('a sequence key keeps a refund behind its payment; a retry goes to the back of its line', async () => {
  const rx = await holdingServer();
  const n = notifier({ retryDelaysMs: [10] });
  n.send(note(rx.url, 'captured', 'pay_a'));
  n.send(note(rx.url, 'refund', 're_1', { sequenceKey: 'pay_a' }));
  n.send(note(rx.url, 'other', 're_2'));
  await waitFor(() => rx.open().length === 2, 5_000, 'the payment and the other refund');
  await quiet();
  assert.deepEqual(rx.open().sort(), ['captured', 'other']);
  rx.answer('captured', 500);
  await waitFor(() => rx.open().includes('refund'), 5_000, 'the refund after the failed attempt');
  await waitFor(() => n.records()[0]?.status === 'queued', 5_000, 'the retry, due after 10 ms');
  await quiet();
  assert.deepEqual(rx.open().sort(), ['other', 'refund'], 'the retry waits behind the refund');
  rx.answer('other');
  rx.answer('refund');
  await waitFor(() => rx.open().includes('captured'), 5_000, 'the retry');
  rx.answer('captured');
  await waitFor(() => n.records().every((r) => r.delivered), 5_000, 'all delivered');
});

test('a reorder group of different subjects goes out newest first, one after the other', async () => {
  const rx = await holdingServer();
  const n = notifier();
  n.addFault({ mode: 'reorder', count: 3 });
  n.send(note(rx.url, 'x', 'pay_x'));
  n.send(note(rx.url, 'y', 'pay_y'));
  n.send(note(rx.url, 'z', 'pay_z'));
  await waitFor(() => rx.open().length === 1, 5_000, 'the first of the group');
  await quiet();
  assert.deepEqual(rx.open(), ['z']);
  rx.answer('z');
  await waitFor(() => rx.open().includes('y'), 5_000, 'y');
  n.send(note(rx.url, 'w', 'pay_w'));
  await waitFor(() => rx.open().includes('w'), 5_000, 'a later notification of another subject does not wait');
  rx.answer('y');
  rx.answer('w');
  await waitFor(() => rx.open().includes('x'), 5_000, 'x');
  rx.answer('x');
  assert.deepEqual(rx.arrived, ['z', 'y', 'w', 'x']);
});

test('reset() and close() drop what is queued and abort what is in flight', async () => {
  const rx = await holdingServer();
  const n = notifier({ maxInFlightPerUrl: 1 });
  n.send(note(rx.url, 'first', 'pay_1'));
  n.send(note(rx.url, 'second', 'pay_2'));
  await waitFor(() => rx.open().length === 1, 5_000, 'the first in flight');
  n.reset();
  assert.deepEqual(n.records(), []);
  n.send(note(rx.url, 'after-reset', 'pay_3'));
  await waitFor(() => rx.arrived.includes('after-reset'), 5_000, 'a new notification after reset');
  await quiet();
  assert.ok(!rx.arrived.includes('second'), 'what was queued before the reset is never sent');
  n.send(note(rx.url, 'queued-at-close', 'pay_4'));
  await n.close();
  n.send(note(rx.url, 'after-close', 'pay_5'));
  await quiet();
  assert.ok(!rx.arrived.includes('queued-at-close') && !rx.arrived.includes('after-close'));
});
