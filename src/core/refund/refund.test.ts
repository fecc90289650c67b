import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canMoveRefund, REFUND_STATUSES } from './refund.ts';

describe('refund transitions', () => {
  it('settles only a pending refund, to succeeded or failed', () => {
    assert.equal(canMoveRefund('pending', 'succeeded'), true);
    assert.equal(canMoveRefund('pending', 'failed'), true);
    assert.equal(canMoveRefund('pending', 'pending'), false);
  });

  it('never moves a settled refund, not even to its own status', () => {
    for (const from of ['succeeded', 'failed'] as const) {
      for (const to of REFUND_STATUSES) assert.equal(canMoveRefund(from, to), false, `${from} -> ${to}`);
    }
  });
});
