// The i386 syscall table: every area's rows in one list.
import { SyscallRow } from './types.js';
import { processRows } from './process.js';
import { mmRows } from './mm.js';
import { fsIoRows } from './fs-io.js';
import { fsRows } from './fs-rows.js';
import { netRows } from './net.js';
import { mmsgRows } from './mmsg.js';
import { socketcallRows } from './socketcall.js';
import { pollRows } from './poll.js';
import { epollRows } from './epoll.js';
import { eventFdRows } from './event-fds.js';
import { signalAndTimeRows } from './signals-and-time.js';
import { futexRows } from './futex.js';
import { inotifyRows } from './inotify.js';
import { archRows } from './arch.js';

export function allSyscallRows(): SyscallRow[] {
  return [...processRows, ...mmRows, ...fsIoRows, ...fsRows, ...netRows, ...mmsgRows, ...socketcallRows, ...pollRows, ...epollRows, ...eventFdRows, ...signalAndTimeRows, ...futexRows, ...inotifyRows, ...archRows];
}
