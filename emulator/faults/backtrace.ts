// Backtrace lines for reports. Runs of identical frames (deep recursion) are
// folded into one line, so a stack overflow's report stays short while still
// reaching main.
import { describeLocation } from '../../loader/symbols/modules.js';
import { Frame, StopReason } from '../../loader/unwind/unwind.js';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

const STOP_NOTES: Partial<Record<StopReason, string>> = {
  'unreadable': 'stack memory not readable beyond this frame',
  'no-progress': 'stack pointer did not move up; stopped',
  'not-code': 'return address outside every module',
  'depth-limit': 'too many frames; stopped',
  'bad-cfi': 'malformed call frame information; stopped',
};

function frameText(f: Frame): string {
  // gdb's words for the frame a handler returns into
  if (f.signalTrampoline) return `${hex(f.pc)} <signal handler called>`;
  return `${hex(f.pc)} ${describeLocation(f.location)}`;
}

/** Report lines for the frames `walk` yields, indented by `indent`. */
export function backtraceLines(walk: Generator<Frame, StopReason>, indent = '  '): string[] {
  const lines: string[] = [];
  let run: { first: Frame; count: number } | null = null;
  const flush = (): void => {
    if (!run) return;
    const { first, count } = run;
    if (count === 1) lines.push(`${indent}#${first.index} ${frameText(first)}`);
    else lines.push(`${indent}#${first.index}..#${first.index + count - 1} ${frameText(first)} [same frame ${count} times]`);
    run = null;
  };
  for (;;) {
    let r: IteratorResult<Frame, StopReason>;
    try {
      r = walk.next();
    } catch (e) {
      flush();
      lines.push(`${indent}(unwinding stopped: ${(e as Error).message})`);
      return lines;
    }
    if (r.done) {
      flush();
      const note = STOP_NOTES[r.value];
      if (note) lines.push(`${indent}(${note})`);
      return lines;
    }
    const f = r.value;
    if (run && run.first.pc === f.pc && f.index > 0 && run.first.index > 0) run.count++;
    else {
      flush();
      run = { first: f, count: 1 };
    }
  }
}
