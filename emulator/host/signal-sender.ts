// Who sent a signal to this host process. Node hears signals through
// libuv, whose handler takes only the signal number: the sender's pid and
// uid in the siginfo are lost, while a guest handler (SA_SIGINFO) or
// signalfd reading a forwarded signal expects them. So, once libuv's
// handler is in place for a signal, a small SA_SIGINFO handler of our own
// is put in front of it: it copies si_pid, si_uid, si_code and si_int of
// each arrival into a table in native memory, counts it, and jumps to
// libuv's handler with the same arguments. The forwarding code reads the
// table when libuv reports the signal. Two arrivals of one signal before
// that read are reported with the last sender, as the kernel merges two
// pending standard signals into one.
import koffi from 'koffi';
import { libc } from './ffi.js';
import { hostMmap, hostMprotect, mapAnonymous, NativeArea } from './native.js';

const SA_SIGINFO = 4;
const SIGACTION_SIZE = 152;
const FLAGS_AT = 136;
const SLOT = 32;
const SIGNALS = 64;
const PROT_READ_WRITE = 3;
const PROT_READ_EXEC = 5;
const MAP_PRIVATE_ANONYMOUS = 0x22;
const PAGE = 4096;

const sigaction = libc.func('int sigaction(int sig, const uint8_t *act, _Out_ uint8_t *oact)') as
  (sig: number, act: Uint8Array | null, oact: Uint8Array | null) => number;

export interface Sender {
  pid: number;
  uid: number;
  code: number;
  /** si_int, for a sigqueue'd signal. */
  value: number;
}

/**
 * The handler: record si_pid, si_uid, si_code and si_int (x86-64 siginfo
 * offsets 16, 20, 8, 24) in table[sig & 63], add one to its count, then
 * jump to the previous handler (rdi, rsi, rdx untouched).
 */
function shimCode(table: number, previous: bigint): Uint8Array {
  const code = Buffer.from(
    '448b4610448b4e14448b5608448b5e184889f84883e03f48c1e005' + // loads; rax = (sig & 63) * 32
    '48b9' + '0000000000000000' + // movabs rcx, table
    '4801c144890144894904448951084489590c' + // rcx += rax; store pid, uid, code, value
    'f083411001' + // lock add dword [rcx+16], 1
    '48b8' + '0000000000000000' + // movabs rax, previous
    'ffe0', // jmp rax
    'hex');
  code.writeBigUInt64LE(BigInt(table), 0x1d);
  code.writeBigUInt64LE(previous, 0x3e);
  return code;
}

let table: NativeArea | null = null;
const seen = new Array<number>(SIGNALS).fill(0);

/** Put the recording handler in front of the handler installed for `sig` (libuv's); false if it cannot. */
export function recordSenders(sig: number): boolean {
  const old = new Uint8Array(SIGACTION_SIZE);
  if (sigaction(sig, null, old) !== 0) return false;
  const view = new DataView(old.buffer);
  const previous = view.getBigUint64(0, true);
  const flags = view.getInt32(FLAGS_AT, true);
  // no handler to chain to (SIG_DFL, SIG_IGN), or one that wants siginfo itself (ours already)
  if (previous <= 1n || flags & SA_SIGINFO) return false;
  table ??= mapAnonymous(SIGNALS * SLOT);
  if (!table) return false;
  const code = shimCode(table.address, previous);
  const page = hostMmap(null, PAGE, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
  if (page === null) return false;
  const at = Number(koffi.address(page));
  new Uint8Array(koffi.view(page, PAGE)).set(code);
  if (hostMprotect(at, PAGE, PROT_READ_EXEC) !== 0) return false;
  const act = Uint8Array.from(old);
  const actView = new DataView(act.buffer);
  actView.setBigUint64(0, BigInt(at), true);
  actView.setInt32(FLAGS_AT, flags | SA_SIGINFO, true);
  seen[sig & 63] = new DataView(table.buffer).getUint32((sig & 63) * SLOT + 16, true);
  return sigaction(sig, act, null) === 0;
}

/** The sender of the latest arrival of `sig` not yet taken, or null (none recorded since). */
export function takeSender(sig: number): Sender | null {
  if (!table) return null;
  const v = new DataView(table.buffer, (sig & 63) * SLOT, SLOT);
  const count = v.getUint32(16, true);
  if (count === seen[sig & 63]) return null;
  seen[sig & 63] = count;
  return { pid: v.getInt32(0, true), uid: v.getUint32(4, true), code: v.getInt32(8, true), value: v.getInt32(12, true) };
}
