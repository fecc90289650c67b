import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Dispatcher, getGlobalDispatcher } from 'undici';
import { dispatcherFor } from './mode-dispatcher.ts';

test('live-mode calls use the live dispatcher when there is one; test-mode calls never do', () => {
  const plain = {} as Dispatcher;
  const live = {} as Dispatcher;
  assert.equal(dispatcherFor({ dispatcher: plain, liveDispatcher: live }, 'live'), live);
  assert.equal(dispatcherFor({ dispatcher: plain, liveDispatcher: live }, 'test'), plain);
  assert.equal(dispatcherFor({ dispatcher: plain }, 'live'), plain);
  assert.equal(dispatcherFor({ liveDispatcher: live }, 'test'), getGlobalDispatcher());
});
