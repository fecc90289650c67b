import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { waitFor } from '../../../test/support/wait.ts';
import { createEmulatorClock } from './clock.ts';
import { createGenericNotifier } from './notifier.ts';

async function failingServer(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, hits: () => hits };
}

test('retryOnClock: retries wait for the emulator clock and sweepRetries(), never real time', async () => {
  const rx = await failingServer();
  const clock = createEmulatorClock(() => 1_000_000);
  const notifier = createGenericNotifier({ clock, retryDelaysMs: [100, 100], retryOnClock: true });
  after(() => notifier.close());
  notifier.send({
    id: 'n1',
    type: 't',
    subjectId: 's',
    body: Buffer.from('x'),
    targets: [{ url: rx.url, headers: {} }],
  });
  await waitFor(() => notifier.records()[0]?.status === 'retry_scheduled');
  assert.equal(notifier.records()[0]?.next_attempt_at, new Date(1_000_100).toISOString());
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(notifier.sweepRetries(), 0);
  assert.equal(rx.hits(), 1);
  clock.advance(100);
  assert.equal(notifier.sweepRetries(), 1);
  await waitFor(() => rx.hits() === 2);
  await waitFor(() => notifier.records()[0]?.status === 'retry_scheduled');
  // Due times count from the first try: 1_000_000 + 100 + 100.
  assert.equal(notifier.records()[0]?.next_attempt_at, new Date(1_000_200).toISOString());
  clock.advance(100);
  notifier.sweepRetries();
  await waitFor(() => notifier.records()[0]?.status === 'failed');
  assert.equal(rx.hits(), 3);
});
