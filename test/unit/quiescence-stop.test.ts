// Which ends of a stack walk the safety check trusts: only a CFI end
// (_start, a thread's start) or a return address of 0. A walk that stopped
// on EBP 0 through the frame-pointer fallback, or for any other reason, may
// have missed the callers a replaced function hides among: not safe.
// (A patch of kvstore's event loop was applied while the loop was live: the
// thread was caught in a CFI-less thunk with EBP 0, and the walk "ended".)
import { expect, test } from 'vitest';
import { checkSafety } from '../../patcher/quiescence.js';
import type { Frame, StopReason } from '../../loader/unwind/unwind.js';

const frame: Frame = {
  index: 0, pc: 0x1000, sp: 0x7fe00000, cfa: null, source: 'registers', signalTrampoline: false,
  location: { address: 0x1000, module: null, symbol: null, offset: 0 },
};
const unrelated = [{ start: 0x9000, end: 0x9100, name: 'event_loop (kvstore-v1)' }];

test.each<[StopReason, boolean]>([
  ['outermost', true],
  ['null-return', true],
  ['frame-pointer-zero', false],
  ['unreadable', false],
  ['no-progress', false],
  ['not-code', false],
  ['depth-limit', false],
  ['bad-cfi', false],
])('a walk that stopped with %s is trusted: %s', (stop, trusted) => {
  const r = checkSafety([{ frames: [frame], stop }], unrelated);
  expect(r.safe).toBe(trusted);
  expect(r.incomplete).toBe(!trusted);
});
