// The calls of a function that may wait: to the C library's blocking calls
// or to a function of the program that makes one, however deep.
// never-returning.ts takes the loops around them for the loop the function
// keeps running. Waiting for events (poll, accept, recv, a signal) is what a
// server's main loop does; reading (read, fgets) is what a command loop
// does, but also what start-up code reading a configuration file does: the
// first kind is asked for first, the second only when there is none.
import { Capstone, Const } from 'capstone-wasm';
import type { Item } from '../diff/items.js';
import type { UnitPair } from '../diff/unit.js';
import { targetOf } from '../diff/targets.js';

/** Waiting for events: a server's loop. */
const EVENT_WAITS = new Set([
  'select', 'pselect', 'poll', 'ppoll', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'accept', 'accept4', 'recv', 'recvfrom', 'recvmsg',
  'recvmmsg', 'nanosleep', 'clock_nanosleep', 'sleep', 'usleep', 'pause', 'sigsuspend', 'sigwait', 'sigwaitinfo', 'wait', 'waitpid',
  'wait4', 'waitid', 'msgrcv', 'mq_receive', 'io_getevents', '__recv_chk', '__recvfrom_chk', '__poll_chk', '__ppoll_chk',
]);
/** Waiting for input: a command loop (or start-up code reading a file). */
const READ_WAITS = new Set([
  'read', 'readv', 'fgets', 'getline', 'getdelim', 'getc', 'fgetc', 'getchar', 'fread', 'scanf', 'fscanf', 'readline',
  '__read_chk', '__fgets_chk', 'getchar_unlocked', 'getc_unlocked', '_IO_getc',
]);

/** Offsets in `fn`'s section of its calls that may wait for events, else of those that may wait for input. */
export function waitingCallOffsets(units: readonly UnitPair[], home: UnitPair, fn: Item): number[] {
  const events = callsThatWait(units, home, fn, EVENT_WAITS);
  return events.length > 0 ? events : callsThatWait(units, home, fn, READ_WAITS);
}

function callsThatWait(units: readonly UnitPair[], home: UnitPair, fn: Item, BLOCKING: ReadonlySet<string>): number[] {
  const globals = new Map<string, { unit: UnitPair; item: Item }>();
  for (const u of units) for (const i of u.newItems) if (i.kind === 'function' && !i.local) globals.set(i.name, { unit: u, item: i });
  const memo = new Map<Item, boolean>();
  // does a call to this target (transitively) block?
  const blocks = (unit: UnitPair, item: Item, depth: number): boolean => {
    if (memo.has(item)) return memo.get(item)!;
    memo.set(item, false);
    let result = false;
    if (depth < 64 && unit.new) {
      for (const r of item.section.relocs) {
        const t = targetOf(unit.new, r);
        if (t.kind === 'external') {
          const g = globals.get(t.name);
          if (BLOCKING.has(t.name) || (g !== undefined && blocks(g.unit, g.item, depth + 1))) result = true;
        } else if (t.kind === 'item' && t.item.kind === 'function' && t.item !== item && blocks(unit, t.item, depth + 1)) result = true;
        if (result) break;
      }
    }
    memo.set(item, result);
    return result;
  };
  const out: number[] = [];
  if (!home.new) return out;
  for (const r of fn.section.relocs) {
    const t = targetOf(home.new, r);
    const waits = t.kind === 'external'
      ? BLOCKING.has(t.name) || (globals.has(t.name) && blocks(globals.get(t.name)!.unit, globals.get(t.name)!.item, 0))
      : t.kind === 'item' && t.item.kind === 'function' && t.item !== fn && blocks(home, t.item, 0);
    if (waits) out.push(r.offset - fn.symbol.value);
  }
  return out;
}

/** Functions that never return to their caller: the code after a call to one belongs to something else. */
const NO_RETURN = new Set([
  'exit', '_exit', '_Exit', 'abort', 'err', 'errx', 'verr', 'verrx', 'error_exit', '__stack_chk_fail', '__assert_fail', '__fortify_fail',
  '__chk_fail', 'longjmp', 'siglongjmp', '_longjmp', '__longjmp_chk', 'pthread_exit', 'quick_exit', '__cxa_throw',
]);

/** A function of the program whose code has no return and no jump out of it (usage() that exits). */
function neverReturnsToCaller(item: Item): boolean {
  const cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  try {
    const code = item.section.data.subarray(item.symbol.value, item.symbol.value + item.symbol.size);
    const insns = cs.disasm(code, { address: 0 });
    if (insns.length === 0) return false;
    return !insns.some((i) => i.mnemonic.startsWith('ret') || (i.mnemonic === 'jmp' && !(/^(0x[0-9a-f]+|\d+)$/.test(i.opStr) && Number(i.opStr) < code.length)));
  } finally {
    cs.close();
  }
}

/** Offsets in `fn`'s section of the fields of calls that do not return (exit, err, or a function of the program that never does). */
export function noReturnCallOffsets(units: readonly UnitPair[], home: UnitPair, fn: Item): number[] {
  if (!home.new) return [];
  const globals = new Map<string, Item>();
  for (const u of units) for (const i of u.newItems) if (i.kind === 'function' && !i.local) globals.set(i.name, i);
  const memo = new Map<Item, boolean>();
  const noReturn = (i: Item): boolean => {
    if (!memo.has(i)) memo.set(i, neverReturnsToCaller(i));
    return memo.get(i)!;
  };
  return fn.section.relocs
    .filter((r) => {
      const t = targetOf(home.new!, r);
      if (t.kind === 'external') return NO_RETURN.has(t.name) || (globals.has(t.name) && noReturn(globals.get(t.name)!));
      return t.kind === 'item' && t.item.kind === 'function' && t.item !== fn && t.offset === -4 && noReturn(t.item);
    })
    .map((r) => r.offset - fn.symbol.value);
}
