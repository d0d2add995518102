// One handler per remote-protocol packet. A handler answers with the reply
// text, or with null when the answer comes later (a stop reply after a
// continue or step). Thread ids are the guest's tids in hex; multiprocess
// extensions are not offered, so ids carry no pid.
import type { Thread } from '../emulator/thread.js';
import { auxv } from '../emulator/files/proc-content.js';
import { DebugTarget } from './target.js';
import { RunControl, StopEvent } from './run-control.js';
import { REGISTERS, targetDescription } from './register-layout.js';

/** The state packet handlers share: the target, run control and gdb's selected threads. */
export interface StubState {
  target: DebugTarget;
  control: RunControl;
  /** The thread `g`/`p`/`m` apply to (Hg), and the one `c`/`s` resume (Hc); null: the last stopped one. */
  registerThread: Thread | null;
  lastStop: StopEvent;
  noAck: boolean;
  /** gdb asked to end the program (k, vKill). */
  kill: () => void;
  /** gdb detached (D). */
  detach: () => void;
}

type Handler = (args: string, s: StubState) => string | null;

const hex = (n: number): string => (n >>> 0).toString(16);
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ERROR = 'E01';

export function stopReply(e: StopEvent): string {
  return `T${e.signal.toString(16).padStart(2, '0')}thread:${hex(e.thread.tid)};${e.reason}`;
}

function selected(s: StubState): Thread {
  const t = s.registerThread;
  return t && t.state !== 'exited' ? t : s.lastStop.thread;
}

/** A thread id from gdb: -1 is every thread, 0 any thread. */
function threadOf(id: string, s: StubState): Thread | null | undefined {
  const n = parseInt(id, 16);
  if (id === '-1' || n === 0) return null;
  return s.target.thread(n);
}

/** `addr,len` (hex) as numbers. */
function range(args: string): [number, number] {
  const [a, l] = args.split(',');
  return [parseInt(a, 16) >>> 0, parseInt(l, 16)];
}

/** A slice of an object read with qXfer: `m` and more to come, `l` the last part. */
function xferSlice(data: Uint8Array, args: string): Buffer {
  const [offset, length] = range(args);
  const part = data.subarray(offset, offset + length);
  return Buffer.concat([Buffer.from(offset + length >= data.length ? 'l' : 'm'), Buffer.from(part)]);
}

function readMemory(args: string, s: StubState): string {
  const [address, length] = range(args);
  const bytes = s.target.readMemory(address, length);
  return bytes.length === 0 && length > 0 ? 'E14' : toHex(bytes);
}

function writeMemory(args: string, s: StubState): string {
  const [where, data] = args.split(':');
  const [address, length] = range(where);
  const bytes = Buffer.from(data ?? '', 'hex');
  if (bytes.length !== length) return ERROR;
  return s.target.writeMemory(address, bytes) ? 'OK' : 'E14';
}

function readRegisters(_args: string, s: StubState): string {
  return s.target.readAll(selected(s)).map((b, i) => (b ? toHex(b) : 'xx'.repeat(REGISTERS[i].bytes))).join('');
}

function writeRegisters(args: string, s: StubState): string {
  const thread = selected(s);
  let at = 0;
  for (let i = 0; i < REGISTERS.length && at < args.length; i++) {
    const text = args.slice(at, at + REGISTERS[i].bytes * 2);
    at += REGISTERS[i].bytes * 2;
    // registers gdb marks unknown, or dsu does not track, stay as they are
    if (!text.includes('x')) s.target.writeRegister(thread, i, Buffer.from(text, 'hex'));
  }
  return 'OK';
}

function readRegister(args: string, s: StubState): string {
  const n = parseInt(args, 16);
  if (!(n < REGISTERS.length)) return ERROR;
  const b = s.target.readRegister(selected(s), n);
  return b ? toHex(b) : 'xx'.repeat(REGISTERS[n].bytes);
}

function writeRegister(args: string, s: StubState): string {
  const [n, value] = args.split('=');
  return s.target.writeRegister(selected(s), parseInt(n, 16), Buffer.from(value, 'hex')) ? 'OK' : ERROR;
}

function setThread(args: string, s: StubState): string {
  const t = threadOf(args.slice(1), s);
  if (t === undefined) return ERROR;
  if (args[0] === 'g') s.registerThread = t;
  return 'OK';
}

function breakpoint(insert: boolean): Handler {
  return (args, s) => {
    const [type, addr, kind] = args.split(',');
    const address = parseInt(addr, 16) >>> 0;
    if (type === '2') {
      // a write watchpoint of `kind` bytes; read and access watchpoints are not offered
      if (!insert) return (s.control.removeWatchpoint(address), 'OK');
      return s.control.insertWatchpoint(address, parseInt(kind, 16)) ? 'OK' : ERROR;
    }
    // software and hardware breakpoints are the same int3 here (no debug-register limit to model)
    if (type !== '0' && type !== '1') return '';
    if (!insert) {
      s.control.removeBreakpoint(address);
      return 'OK';
    }
    return s.control.insertBreakpoint(address) === null ? 'OK' : ERROR;
  };
}

/** `vCont;ACTION[:tid];...`: a step of one thread, or everything continued. */
function vCont(args: string, s: StubState): string | null {
  if (args === '?') return 'vCont;c;C;s;S';
  const actions = args.split(';').slice(1);
  for (const action of actions) {
    const [what, tid] = action.split(':');
    const kind = what[0];
    const signal = what.length > 1 ? parseInt(what.slice(1), 16) : 0;
    if (kind === 's' || kind === 'S') {
      const thread = tid !== undefined ? threadOf(tid, s) ?? selected(s) : selected(s);
      s.control.step(thread, signal);
      return null;
    }
  }
  const first = actions[0] ?? 'c';
  s.control.resume(first.length > 1 && (first[0] === 'C') ? parseInt(first.slice(1).split(':')[0], 16) : 0);
  return null;
}

const QUERIES: [string, Handler][] = [
  ['Supported', () => 'PacketSize=4000;qXfer:features:read+;qXfer:auxv:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+'],
  ['Attached', () => '0'],
  ['C', (_a, s) => `QC${hex(s.lastStop.thread.tid)}`],
  ['fThreadInfo', (_a, s) => 'm' + s.target.threads().map((t) => hex(t.tid)).join(',')],
  ['sThreadInfo', () => 'l'],
  ['Symbol', () => 'OK'],
  ['Xfer:features:read:target.xml:', (a) => xferSlice(Buffer.from(targetDescription()), a).toString('latin1')],
  ['Xfer:auxv:read::', (a, s) => xferSlice(auxv(s.target.runner.proc), a).toString('latin1')],
];

function query(args: string, s: StubState): string | null {
  for (const [name, handler] of QUERIES) {
    if (name.endsWith(':') ? args.startsWith(name) : args === name || args.startsWith(name + ':')) {
      return handler(args.slice(name.length), s);
    }
  }
  return '';
}

const HANDLERS: Record<string, Handler> = {
  '?': (_a, s) => stopReply(s.lastStop),
  g: readRegisters,
  G: writeRegisters,
  p: readRegister,
  P: writeRegister,
  m: readMemory,
  M: writeMemory,
  H: setThread,
  T: (a, s) => (s.target.thread(parseInt(a, 16)) ? 'OK' : ERROR),
  Z: breakpoint(true),
  z: breakpoint(false),
  c: (_a, s) => (s.control.resume(), null),
  C: (a, s) => (s.control.resume(parseInt(a.split(';')[0], 16)), null),
  s: (_a, s) => (s.control.step(selected(s)), null),
  S: (a, s) => (s.control.step(selected(s), parseInt(a, 16)), null),
  q: query,
  Q: (a, s) => (a === 'StartNoAckMode' ? ((s.noAck = true), 'OK') : ''),
  k: (_a, s) => (s.kill(), null),
  D: (_a, s) => (s.detach(), 'OK'),
  v: (a, s) => {
    if (a.startsWith('Cont')) return vCont(a.slice(4), s);
    if (a.startsWith('Kill')) return (s.kill(), 'OK');
    return '';
  },
};

/** The reply to one packet (latin1 text), or null when it comes later. */
export function handlePacket(payload: string, s: StubState): string | null {
  const handler = HANDLERS[payload[0]];
  return handler ? handler(payload.slice(1), s) : '';
}
