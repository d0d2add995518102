// Rows of the signal, time, timer, limit and randomness areas, for table.ts.
import type { SyscallRow } from './types.js';
import { signalRows } from './signal.js';
import { killRows } from './kill.js';
import { timeRows } from './time.js';
import { timerRows } from './timers.js';
import { limitRows } from './limits.js';
import { randomRows } from './random.js';

export const signalAndTimeRows: SyscallRow[] = [...signalRows, ...killRows, ...timeRows, ...timerRows, ...limitRows, ...randomRows];
