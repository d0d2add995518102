// The i386 syscall table: every area's rows in one list.
import { SyscallRow } from './types.js';
import { processRows } from './process.js';
import { mmRows } from './mm.js';
import { fsIoRows } from './fs-io.js';

export function allSyscallRows(): SyscallRow[] {
  return [...processRows, ...mmRows, ...fsIoRows];
}
