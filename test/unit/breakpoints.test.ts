// Breakpoints as the emulator's mechanism, one owner per address, on a
// memory and run loop reduced to what the table touches.
import { describe, expect, test } from 'vitest';
import { BreakpointBusyError, breakpointsOf } from '../../emulator/breakpoints.js';
import type { Runner } from '../../emulator/runner.js';
import type { Thread } from '../../emulator/thread.js';
import type { CpuFault } from '../../emulator/faults/fault.js';

function fakeRunner() {
  const bytes = new Uint8Array(0x100).map((_, i) => i);
  const invalidated: [number, number][] = [];
  const runner = {
    interceptors: [] as ((fault: CpuFault, thread: Thread) => boolean)[],
    instructionPointer: 0,
    proc: { space: { memory: { bytes } }, machine: { invalidateCode: (s: number, e: number) => invalidated.push([s, e]) } },
  };
  const hit = (eip: number, vector = 3): boolean => runner.interceptors.some((claim) => claim({ vector, eip } as CpuFault, {} as Thread));
  return { runner, asRunner: runner as unknown as Runner, bytes, invalidated, hit };
}

describe('breakpoints', () => {
  test('an int3 replaces the byte, translated code is dropped, and removing puts the byte back', () => {
    const { asRunner, bytes, invalidated } = fakeRunner();
    const patcher = breakpointsOf(asRunner).owner('patcher');
    patcher.insert(0x40, () => {});
    expect(bytes[0x40]).toBe(0xcc);
    expect(breakpointsOf(asRunner).originalByte(0x40)).toBe(0x40);
    expect(patcher.has(0x40)).toBe(true);
    patcher.remove(0x40);
    expect(bytes[0x40]).toBe(0x40);
    expect(invalidated).toEqual([[0x40, 0x41], [0x40, 0x41]]);
  });

  test('one table per program, one owner per address: another owner is refused and cannot remove it', () => {
    const { asRunner, bytes } = fakeRunner();
    const patcher = breakpointsOf(asRunner).owner('patcher');
    const debuggerSet = breakpointsOf(asRunner).owner('debugger');
    patcher.insert(0x10, () => {});
    expect(() => debuggerSet.insert(0x10, () => {})).toThrow(BreakpointBusyError);
    expect(() => debuggerSet.insert(0x10, () => {})).toThrow('0x10 already holds a breakpoint of the patcher');
    debuggerSet.remove(0x10);
    debuggerSet.removeAll();
    expect(bytes[0x10]).toBe(0xcc);
    expect(breakpointsOf(asRunner).ownerAt(0x10)).toBe('patcher');
    expect(debuggerSet.has(0x10)).toBe(false);
    // the debugger's own breakpoint elsewhere is independent of the patcher's removeAll
    debuggerSet.insert(0x20, () => {});
    patcher.removeAll();
    expect([bytes[0x10], bytes[0x20]]).toEqual([0x10, 0xcc]);
  });

  test("a hit runs its owner's handler with the thread stopped at the breakpoint's address", () => {
    const { runner, asRunner, hit } = fakeRunner();
    const seen: number[] = [];
    const patcher = breakpointsOf(asRunner).owner('patcher');
    patcher.insert(0x30, (address) => seen.push(address));
    // the engine reports an int3 with EIP just past it
    expect(hit(0x31)).toBe(true);
    expect(seen).toEqual([0x30]);
    expect(runner.instructionPointer).toBe(0x30);
    // an int3 that is no breakpoint of anyone's, or another exception, is not claimed
    expect(hit(0x51)).toBe(false);
    expect(hit(0x31, 14)).toBe(false);
    // the same owner inserting again only changes the handler
    patcher.insert(0x30, () => seen.push(-1));
    expect(hit(0x31)).toBe(true);
    expect(seen).toEqual([0x30, -1]);
    expect(runner.interceptors).toHaveLength(1);
  });
});
