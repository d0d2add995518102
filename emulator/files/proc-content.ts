// Contents of the guest's /proc/self files, generated from the guest's own
// state (its memory map, fds, signals) in the kernel's formats. Fields the
// emulator has no notion of (CPU times, start time, capabilities) are the
// host process's, which is the process the guest runs in.
import fs from 'node:fs';
import { majorOf, minorOf } from '../abi/stat.js';
import { SEEK_CUR } from '../abi/fcntl.js';
import { O_CLOEXEC } from './description.js';
import type { Process } from '../process.js';
import { release } from './vfs.js';
import type { Thread } from '../thread.js';
import { pageDown, pageUp, Region } from '../memory/address-space.js';
import { loadSegments } from '../../loader/image.js';
import type { LoadedImage } from '../../loader/image.js';

const PAGE = 4096;
const SIG_IGN = 1;
const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const kB = (bytes: number): string => `${String(Math.round(bytes / 1024)).padStart(8)} kB`;

function readHost(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** A /proc/self file that is the host process's (mounts: the guest shares its mount namespace). */
export function hostProcText(name: string): Uint8Array {
  return Buffer.from(readHost(`/proc/self/${name}`));
}

/** /proc/self/auxv: the start-up auxiliary vector as 32-bit pairs, ending with AT_NULL. */
export function auxv(proc: Process): Uint8Array {
  const out = new DataView(new ArrayBuffer(8 * (proc.auxv.length + 1)));
  proc.auxv.forEach(([type, value], i) => {
    out.setUint32(8 * i, type >>> 0, true);
    out.setUint32(8 * i + 4, value >>> 0, true);
  });
  return new Uint8Array(out.buffer);
}

export function cmdline(proc: Process): Uint8Array {
  return Buffer.from(proc.argv.map((a) => a + '\0').join(''));
}

interface StringRange {
  start: number;
  end: number;
}

/**
 * Where the strings argv[] and envp[] pointed to at start-up are: the
 * pointer table is found on the stack right after argc, matched against the
 * argv strings we know. Null if the guest has overwritten it.
 */
function initialStrings(proc: Process): { argv: StringRange[]; envp: StringRange[] } | null {
  const stack = proc.space.regions.find((r) => r.name === '[stack]' && r.kind === 'stack');
  if (!stack) return null;
  const argc = proc.argv.length;
  const m = proc.mem;
  const lowest = Math.max(stack.start, stack.end - 1024 * 1024);
  const range = (p: number): StringRange => ({ start: p, end: p + Buffer.byteLength(m.cstring(p, 128 * 1024)) + 1 });
  for (let at = stack.end - 4 * (argc + 3); at >= lowest; at -= 4) {
    try {
      if (m.u32(at) !== argc || m.u32(at + 4 * (argc + 1)) !== 0) continue;
      if (!proc.argv.every((a, i) => m.cstring(m.u32(at + 4 * (i + 1))) === a)) continue;
      const argv = proc.argv.map((_, i) => range(m.u32(at + 4 * (i + 1))));
      const envp: StringRange[] = [];
      for (let p = at + 4 * (argc + 2); m.u32(p) !== 0; p += 4) envp.push(range(m.u32(p)));
      return { argv, envp };
    } catch {
      continue;
    }
  }
  return null;
}

/** The initial environment, as the kernel shows it: the strings envp[] pointed to at start-up. */
export function environ(proc: Process): Uint8Array {
  const strings = initialStrings(proc);
  if (!strings) return new Uint8Array(0);
  return Buffer.concat(strings.envp.map((r) => proc.mem.readable(r.start, r.end - r.start)));
}

interface MappedFile {
  path: string;
  dev: string;
  ino: string;
}

function mappedFile(proc: Process, r: Region, cache: Map<string, MappedFile>): MappedFile | null {
  if (r.kind !== 'image' && r.kind !== 'file') return null;
  let found = cache.get(r.name);
  if (found) return found;
  let guest = r.name;
  if (r.name === proc.exe?.path) guest = proc.exePath;
  else {
    try {
      const resolved = proc.vfs.resolve(r.name);
      guest = resolved.guest;
      release(resolved);
    } catch {
      // the file is gone: keep the name it was mapped with
    }
  }
  found = { path: guest, dev: '00:00', ino: '0' };
  try {
    // through the guest's lookup (a sysroot's file may be the host's)
    const st = proc.vfs.withHostPath(guest, null, (host) => fs.statSync(host, { bigint: true }));
    const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
    if (st) found = { path: guest, dev: `${hex2(majorOf(st.dev))}:${hex2(minorOf(st.dev))}`, ino: String(st.ino) };
  } catch {
    // as above
  }
  cache.set(r.name, found);
  return found;
}

/**
 * File offset of `address` in a region the loader mapped for an image: the
 * loader maps each PT_LOAD segment from the page holding its p_offset, like
 * the kernel, but records no offset.
 */
function imageOffset(image: LoadedImage, address: number): number {
  for (const s of loadSegments(image.elf)) {
    const start = pageDown(s.vaddr + image.bias);
    if (address >= start && address < pageUp(s.vaddr + s.memsz + image.bias)) return pageDown(s.offset) + (address - start);
  }
  return 0;
}

function fileOffset(proc: Process, r: Region): number {
  if (r.kind !== 'image') return r.offset;
  const image = [proc.exe, proc.interp].find((i) => i && r.name === i.path && r.start >= i.start && r.start < i.end);
  return image ? imageOffset(image, r.start) : r.offset;
}

export function maps(proc: Process): Uint8Array {
  const cache = new Map<string, MappedFile>();
  const lines: string[] = [];
  for (const r of proc.space.regions) {
    if (r.kind === 'reserved') continue;
    const file = mappedFile(proc, r, cache);
    const perms = `${r.prot & 1 ? 'r' : '-'}${r.prot & 2 ? 'w' : '-'}${r.prot & 4 ? 'x' : '-'}${r.shared ? 's' : 'p'}`;
    const head = `${hex8(r.start)}-${hex8(r.end)} ${perms} ${hex8(file ? fileOffset(proc, r) : 0)} ${file?.dev ?? '00:00'} ${file?.ino ?? '0'} `;
    const name = file?.path ?? r.name;
    lines.push(name ? head.padEnd(72) + ' ' + name : head);
  }
  return Buffer.from(lines.map((l) => l + '\n').join(''));
}

interface MemoryUse {
  size: number;
  rss: number;
  exe: number;
  lib: number;
  data: number;
  stack: number;
  file: number;
}

function memoryUse(proc: Process): MemoryUse {
  const use: MemoryUse = { size: 0, rss: 0, exe: 0, lib: 0, data: 0, stack: 0, file: 0 };
  for (const r of proc.space.regions) {
    if (r.kind === 'reserved') continue;
    const len = r.end - r.start;
    use.size += len;
    if (r.kind === 'stack') use.stack += len;
    else use.rss += len;
    if (r.kind === 'image' || r.kind === 'file') use.file += len;
    if (r.prot & 4) {
      if (r.name === proc.exe?.path) use.exe += len;
      else if (r.kind === 'image' || r.kind === 'file') use.lib += len;
    }
    if ((r.prot & 2) && !r.shared && r.kind !== 'stack') use.data += len;
  }
  // only the touched top of the stack is resident, as on Linux
  use.rss += Math.min(use.stack, 33 * PAGE);
  return use;
}

function signalMasks(proc: Process, thread: Thread): { pending: bigint; blocked: bigint; ignored: bigint; caught: bigint } {
  let pending = 0n;
  for (const signo of thread.pendingSignals.keys()) pending |= 1n << BigInt(signo - 1);
  let ignored = 0n;
  let caught = 0n;
  proc.signalActions.forEach((a, signo) => {
    if (signo === 0) return;
    if (a.handler === SIG_IGN) ignored |= 1n << BigInt(signo - 1);
    else if (a.handler > SIG_IGN) caught |= 1n << BigInt(signo - 1);
  });
  return { pending, blocked: thread.signalMask, ignored, caught };
}

const hex16 = (n: bigint): string => BigInt.asUintN(64, n).toString(16).padStart(16, '0');

/** The one-letter state /proc shows, and its word. */
function processState(proc: Process): [string, string] {
  if (proc.exited) return ['Z', 'zombie'];
  if (proc.family.stopSignal !== 0) return ['T', 'stopped'];
  const live = proc.threads.filter((t) => t.state !== 'exited');
  if (live.length > 0 && live.every((t) => t.state === 'blocked')) return ['S', 'sleeping'];
  return ['R', 'running'];
}

export function status(proc: Process, thread: Thread): Uint8Array {
  const use = memoryUse(proc);
  const [state, stateWord] = processState(proc);
  const ppid = String(proc.family.parent?.pid ?? 0);
  const sig = signalMasks(proc, thread);
  const fdSize = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, (proc.fds.fds().at(-1) ?? 0) + 1))));
  const ours = new Map<string, string>([
    ['Name', proc.comm],
    ['Umask', proc.umask.toString(8).padStart(4, '0')],
    ['State', `${state} (${stateWord})`],
    ['Tgid', String(proc.pid)], ['Pid', String(thread.tid)], ['PPid', ppid], ['TracerPid', '0'],
    ['NStgid', String(proc.pid)], ['NSpid', String(thread.tid)],
    ['NSpgid', String(proc.family.pgid)], ['NSsid', String(proc.family.sid)],
    ['FDSize', String(fdSize)],
    ['VmPeak', kB(use.size)], ['VmSize', kB(use.size)], ['VmHWM', kB(use.rss)], ['VmRSS', kB(use.rss)],
    ['RssAnon', kB(use.rss - use.file)], ['RssFile', kB(use.file)], ['RssShmem', kB(0)],
    ['VmData', kB(use.data)], ['VmStk', kB(use.stack)], ['VmExe', kB(use.exe)], ['VmLib', kB(use.lib)],
    ['Uid', [proc.ids.uid, proc.ids.euid, proc.ids.suid, proc.ids.fsuid].join('\t')],
    ['Gid', [proc.ids.gid, proc.ids.egid, proc.ids.sgid, proc.ids.fsgid].join('\t')],
    // the kernel's format, trailing space included
    ['Groups', proc.ids.groups.join(' ') + ' '],
    ['Threads', String(proc.threads.filter((t) => t.state !== 'exited').length)],
    ['SigPnd', hex16(sig.pending)], ['ShdPnd', hex16(0n)], ['SigBlk', hex16(sig.blocked)],
    ['SigIgn', hex16(sig.ignored)], ['SigCgt', hex16(sig.caught)],
  ]);
  const lines = readHost('/proc/self/status').split('\n').filter((l) => l.length > 0).map((line) => {
    const key = line.slice(0, line.indexOf(':'));
    return ours.has(key) ? `${key}:\t${ours.get(key)}` : line;
  });
  return Buffer.from(lines.map((l) => l + '\n').join(''));
}

/** /proc/self/stat: the host line with the guest's name, state, memory and signal fields. */
export function stat(proc: Process, thread: Thread): Uint8Array {
  const host = readHost('/proc/self/stat');
  const fields = host.slice(host.lastIndexOf(')') + 2).trim().split(' ');
  // fields[k] is field number k + 3 in proc(5)
  const set = (n: number, v: number | bigint | string): void => {
    if (fields.length > n - 3) fields[n - 3] = String(v);
  };
  const use = memoryUse(proc);
  const sig = signalMasks(proc, thread);
  const exe = proc.exe;
  const stack = proc.space.regions.find((r) => r.kind === 'stack');
  set(3, processState(proc)[0]);
  // ids as the guest's namespace has them
  set(4, proc.family.parent?.pid ?? 0);
  set(5, proc.family.pgid);
  set(6, proc.family.sid);
  set(8, proc.kernel.terminalForeground || (proc.kernel.processes.init?.family.pgid ?? proc.family.pgid));
  set(20, proc.threads.filter((t) => t.state !== 'exited').length);
  set(23, use.size);
  set(24, use.rss / PAGE);
  set(26, exe?.start ?? 0);
  set(27, exe?.end ?? 0);
  set(28, stack?.end ?? 0);
  set(29, 0);
  set(30, 0);
  set(31, sig.pending & 0xffffffffn);
  set(32, sig.blocked & 0xffffffffn);
  set(33, sig.ignored & 0xffffffffn);
  set(34, sig.caught & 0xffffffffn);
  const data = proc.space.regions.find((r) => r.kind === 'image' && r.name === exe?.path && (r.prot & 2));
  set(45, data?.start ?? 0);
  set(46, data?.end ?? 0);
  set(47, proc.space.brkStart);
  const strings = initialStrings(proc);
  const span = (list: StringRange[] | undefined): [number, number] =>
    list && list.length > 0 ? [Math.min(...list.map((r) => r.start)), Math.max(...list.map((r) => r.end))] : [0, 0];
  const [argStart, argEnd] = span(strings?.argv);
  const [envStart, envEnd] = span(strings?.envp);
  set(48, argStart);
  set(49, argEnd);
  set(50, envStart);
  set(51, envEnd);
  return Buffer.from(`${proc.pid} (${proc.comm}) ${fields.join(' ')}\n`);
}

export function statm(proc: Process): Uint8Array {
  const u = memoryUse(proc);
  const pages = (n: number): number => Math.round(n / PAGE);
  return Buffer.from(`${pages(u.size)} ${pages(u.rss)} ${pages(u.file)} ${pages(u.exe)} 0 ${pages(u.data + u.stack)} 0\n`);
}

export function fdinfo(proc: Process, fd: number): Uint8Array {
  const desc = proc.fds.get(fd);
  if (!desc) return new Uint8Array(0);
  const pos = desc.seek(0, SEEK_CUR);
  const flags = desc.statusFlags | (proc.fds.cloexec(fd) ? O_CLOEXEC : 0);
  let mnt = '0';
  const hostFd = desc.hostFd();
  if (hostFd !== null) mnt = /mnt_id:\s*(\d+)/.exec(readHost(`/proc/self/fdinfo/${hostFd}`))?.[1] ?? '0';
  let ino = 0n;
  try {
    ino = desc.stat().ino;
  } catch {
    // a description without metadata
  }
  return Buffer.from(`pos:\t${Math.max(0, pos)}\nflags:\t0${flags.toString(8)}\nmnt_id:\t${mnt}\nino:\t${ino}\n`);
}
