// Signal-driven I/O: a file description's owner (F_SETOWN, F_SETOWN_EX,
// FIOSETOWN), its signal (F_SETSIG) and O_ASYNC (F_SETFL, FIOASYNC). While
// O_ASYNC is on, the owner gets SIGIO each time the file becomes ready: a
// plain SIGIO (SI_KERNEL) by default, or the F_SETSIG signal with si_code
// POLL_IN/POLL_OUT/POLL_ERR/POLL_HUP/POLL_PRI, si_band and si_fd, as the
// kernel's send_sigio() does. A socket's owner also gets SIGURG when
// out-of-band data arrives, O_ASYNC or not. Owners are guest processes,
// process groups or threads only (kernel/pids.ts): F_SETOWN of any other
// pid is ESRCH. Host fds are watched for edges (host/edge-watch.ts);
// emulator objects (pipes) report changes themselves.
import { EINVAL, ESRCH } from '../abi/errno.js';
import { EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDHUP } from '../abi/epoll.js';
import { NSIG, SIGURG, SI_KERNEL } from '../abi/signal.js';
import { FileDescription } from '../files/description.js';
import { watchEdges } from '../host/edge-watch.js';
import { guestProcess, guestThread, processGroup } from '../kernel/pids.js';
import type { Readiness } from '../kernel/wait.js';
import type { Process } from '../process.js';
import { SignalInfo, postSignal } from './post.js';

const SIGIO = 29;
export const F_OWNER_TID = 0;
export const F_OWNER_PID = 1;
export const F_OWNER_PGRP = 2;

// si_code of a SIGIO with its F_SETSIG signal, and the band each reports
const POLL_IN = 1;
const POLL_OUT = 2;
export const POLL_MSG = 3;
const POLL_ERR = 4;
const POLL_PRI = 5;
const POLL_HUP = 6;
const EPOLLRDNORM = 0x40;
const EPOLLRDBAND = 0x80;
const EPOLLWRNORM = 0x100;
const EPOLLWRBAND = 0x200;
const EPOLLMSG = 0x400;
const BAND: Record<number, number> = {
  [POLL_IN]: EPOLLIN | EPOLLRDNORM,
  [POLL_OUT]: EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND,
  [POLL_MSG]: EPOLLIN | EPOLLRDNORM | EPOLLMSG,
  [POLL_ERR]: EPOLLERR,
  [POLL_PRI]: EPOLLPRI | EPOLLRDBAND,
  [POLL_HUP]: EPOLLHUP | EPOLLERR,
};

export interface Owner {
  type: number;
  id: number;
}

interface AsyncState {
  /** The process that set it up: whose view of pids the owner is looked up in. */
  via: Process;
  owner: Owner | null;
  /** F_SETSIG; 0 means a plain SIGIO. */
  signal: number;
  /** O_ASYNC is on, through this fd (it is si_fd). */
  asyncFd: number | null;
  stopWatch: (() => void) | null;
  stopRelease: (() => void) | null;
}

const states = new WeakMap<FileDescription, AsyncState>();

function stateOf(d: FileDescription, via: Process): AsyncState {
  let s = states.get(d);
  if (!s) {
    s = { via, owner: null, signal: 0, asyncFd: null, stopWatch: null, stopRelease: null };
    states.set(d, s);
  }
  return s;
}

/** Where a description reports readiness: its host fd (watched for edges), or itself. */
export type ReadySource = { hostFd: number } | { emulated: true };

/** Send the owner of `d` its signal for `reason` (a POLL_* code), about guest fd `fd`. */
function sendSigio(s: AsyncState, reason: number, fd = s.asyncFd ?? 0): void {
  const info: SignalInfo = s.signal === 0
    ? { signo: SIGIO, code: SI_KERNEL }
    : { signo: s.signal, code: reason, band: BAND[reason], fd };
  deliverToOwner(s, info);
}

function deliverToOwner(s: AsyncState, info: SignalInfo): void {
  const o = s.owner;
  if (!o) return;
  if (o.type === F_OWNER_TID) {
    const t = guestThread(s.via, o.id);
    if (t) postSignal(t.proc, { ...info }, t.thread);
  } else if (o.type === F_OWNER_PGRP) {
    for (const p of processGroup(s.via, o.id)) postSignal(p, { ...info });
  } else {
    const p = guestProcess(s.via, o.id);
    if (p) postSignal(p, { ...info });
  }
}

/** Arrivals on a host fd: SIGURG to a socket's owner for urgent data, SIGIO reasons while O_ASYNC is on. */
function onArrival(s: AsyncState, events: number): void {
  if (events & EPOLLPRI) deliverToOwner(s, { signo: SIGURG, code: SI_KERNEL });
  if (s.asyncFd === null) return;
  if (events & EPOLLIN) sendSigio(s, POLL_IN);
  if (events & EPOLLPRI) sendSigio(s, POLL_PRI);
  if (events & EPOLLERR) sendSigio(s, POLL_ERR);
  else if (events & EPOLLHUP) sendSigio(s, POLL_HUP);
}

/** Write space freed on a host fd. */
function onWriteSpace(s: AsyncState, events: number): void {
  if (s.asyncFd !== null && events & EPOLLOUT) sendSigio(s, POLL_OUT);
}

/** An emulator object changed: signal what became ready since the last change. */
function watchEmulated(d: FileDescription, s: AsyncState): () => void {
  let last: Readiness = d.readiness();
  return d.subscribe(() => {
    const now = d.readiness();
    const rose = (k: keyof Readiness): boolean => now[k] && !last[k];
    if (s.asyncFd !== null) {
      if (rose('readable')) sendSigio(s, POLL_IN);
      if (rose('writable')) sendSigio(s, POLL_OUT);
      if (rose('error')) sendSigio(s, POLL_ERR);
      else if (rose('hangup')) sendSigio(s, POLL_HUP);
    }
    last = now;
  });
}

/** Start or stop watching `d` as its state now asks. */
function rewatch(d: FileDescription, s: AsyncState, source: ReadySource, urgent: boolean): number {
  const wantIo = s.asyncFd !== null;
  const wantUrg = urgent && s.owner !== null;
  s.stopWatch?.();
  s.stopWatch = null;
  if ('hostFd' in source && (wantIo || wantUrg)) {
    // arrivals and freed space are watched apart, so that each wake-up is one reason
    const stops: (() => void)[] = [];
    const arrivals = watchEdges(source.hostFd, EPOLLIN | EPOLLPRI | EPOLLRDHUP, (ev) => onArrival(s, ev));
    if (typeof arrivals === 'number') return arrivals;
    stops.push(arrivals);
    if (wantIo) {
      const space = watchEdges(source.hostFd, EPOLLOUT, (ev) => onWriteSpace(s, ev));
      if (typeof space === 'number') {
        arrivals();
        return space;
      }
      stops.push(space);
    }
    s.stopWatch = () => stops.forEach((stop) => stop());
  } else if (wantIo) {
    s.stopWatch = watchEmulated(d, s);
  }
  s.stopRelease ??= d.onRelease(() => {
    s.stopWatch?.();
    s.stopWatch = null;
  });
  return 0;
}

/**
 * O_ASYNC on or off for `d`, enabled through guest fd `fd`. `source` says
 * where readiness comes from; `urgent` marks a socket (SIGURG).
 */
export function setAsync(proc: Process, d: FileDescription, fd: number, on: boolean, source: ReadySource, urgent: boolean): number {
  const s = stateOf(d, proc);
  s.asyncFd = on ? fd : null;
  return rewatch(d, s, source, urgent);
}

/** F_SETOWN/F_SETOWN_EX: a guest process, group or thread; 0 (pid or group) clears it. */
export function setOwner(proc: Process, d: FileDescription, owner: Owner, source: ReadySource | null, urgent: boolean): number {
  if (owner.type !== F_OWNER_TID && owner.type !== F_OWNER_PID && owner.type !== F_OWNER_PGRP) return -EINVAL;
  if (owner.id !== 0) {
    const exists = owner.type === F_OWNER_TID ? guestThread(proc, owner.id) !== undefined
      : owner.type === F_OWNER_PGRP ? processGroup(proc, owner.id).length > 0
      : guestThread(proc, owner.id) !== undefined;
    if (!exists) return -ESRCH;
  }
  const s = stateOf(d, proc);
  s.via = proc;
  s.owner = owner.id === 0 ? null : owner;
  return source ? rewatch(d, s, source, urgent) : 0;
}

/** F_GETOWN_EX's answer (type F_OWNER_PID and pid 0 when there is none). */
export function ownerOf(d: FileDescription): Owner {
  return states.get(d)?.owner ?? { type: F_OWNER_PID, id: 0 };
}

/** F_SETSIG: 0 (plain SIGIO) or a valid signal. */
export function setAsyncSignal(proc: Process, d: FileDescription, sig: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  stateOf(d, proc).signal = sig;
  return 0;
}

export function asyncSignalOf(d: FileDescription): number {
  return states.get(d)?.signal ?? 0;
}

/** The owner gets `reason` about guest fd `fd` now (a lease being broken: POLL_MSG). */
export function notifyOwner(d: FileDescription, reason: number, fd: number): void {
  const s = states.get(d);
  if (s) sendSigio(s, reason, fd);
}

/** Make `proc` the owner of `d` (taking a lease does so, as the kernel's lease_setup). */
export function ownByProcess(proc: Process, d: FileDescription): void {
  const s = stateOf(d, proc);
  s.via = proc;
  s.owner = { type: F_OWNER_PID, id: proc.pid };
}
