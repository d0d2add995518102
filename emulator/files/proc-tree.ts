// The guest's /proc/self (and /proc/<its pid>, /proc/thread-self): a virtual
// tree describing the guest, never the Node process it runs in. Everything
// else under /proc (cpuinfo, meminfo, other processes) is the host's, except
// the host's own threads, which would otherwise show the host process. A
// --root without a /proc directory gets one with the guest in it and the
// system files programs read (proc-system.ts); one without /dev, the
// minimal /dev (dev-layer.ts).
import fs from 'node:fs';
import { DT_DIR, DT_LNK, DT_REG } from '../abi/dirent.js';
import { inodeOf } from './virtual-files.js';
import { directoryPathOf } from './directory.js';
import { HostStream } from './host-stream.js';
import type { FileDescription } from './description.js';
import * as content from './proc-content.js';
import { limits } from './proc-limits.js';
import { systemEntries, systemNode } from './proc-system.js';
import { devNode } from './dev-layer.js';
import type { VirtualEntry, VirtualNode, VirtualTree } from './vfs.js';
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import { anyGuestProcess, guestThread, isGuestPid, visiblePids } from '../kernel/pids.js';

type FileMaker = (proc: Process, thread: Thread) => Uint8Array;

const FILES: ReadonlyMap<string, FileMaker> = new Map<string, FileMaker>([
  ['auxv', (p) => content.auxv(p)],
  ['cmdline', (p) => content.cmdline(p)],
  ['comm', (p) => Buffer.from(p.comm + '\n')],
  ['environ', (p) => content.environ(p)],
  ['limits', (p) => limits(p)],
  // the audit login uid and session are inherited, so the host process's are the guest's
  ['loginuid', () => content.hostProcText('loginuid')],
  ['maps', (p) => content.maps(p)],
  ['mountinfo', () => content.hostProcText('mountinfo')],
  ['mounts', () => content.hostProcText('mounts')],
  ['sessionid', () => content.hostProcText('sessionid')],
  ['stat', (p, t) => content.stat(p, t)],
  ['statm', (p) => content.statm(p)],
  ['status', (p, t) => content.status(p, t)],
]);

/** Files the kernel shows with mode 0400 (the rest are 0444). */
const OWNER_ONLY = new Set(['auxv', 'environ']);
const LINKS = ['cwd', 'exe', 'root'];
const DIRS = ['fd', 'fdinfo', 'task'];

export function procTree(proc: Process, thread: Thread): VirtualTree {
  return { lookup: (p) => lookup(proc, thread, p) };
}

function lookup(proc: Process, thread: Thread, p: string): VirtualNode | null | undefined {
  const ino = inodeOf(p);
  // a root without its own /dev has the minimal one
  if (proc.vfs.devVirtual && p.startsWith('/dev')) return devNode(p);
  // the root's /proc with the host's processes left out and the guest's in; a root
  // without its own /proc still has the guest's, and the system files programs read
  const ownProc = p.startsWith('/proc') && fs.existsSync(proc.vfs.toHost('/proc'));
  if (p === '/proc') return { kind: 'dir', ino, entries: () => (ownProc ? procEntries(proc) : [...procEntries(proc), ...systemEntries()]) };
  if (!ownProc && p.startsWith('/proc/')) {
    const system = systemNode(p.slice('/proc/'.length));
    if (system) return system;
  }
  if (p === '/proc/self') return { kind: 'link', ino, target: String(proc.pid) };
  if (p === '/proc/thread-self') return { kind: 'link', ino, target: `${proc.pid}/task/${thread.tid}` };
  const m = /^\/proc\/(\d+)(\/.*)?$/.exec(p);
  if (!m) return undefined;
  const pid = Number(m[1]);
  // any other process is invisible to the guest, as in a pid namespace of its own
  if (!isGuestPid(proc, pid)) return null;
  const target = anyGuestProcess(proc, pid);
  if (target) {
    const t = target === proc ? thread : target.mainThread;
    return processNode(target, t, p, m[2] ?? '', true);
  }
  // a thread's own /proc/<tid>, reachable though not listed
  const task = guestThread(proc, pid);
  return task ? processNode(task.proc, task.thread, p, m[2] ?? '', true) : null;
}

function processNode(proc: Process, thread: Thread, p: string, rest: string, withTasks: boolean): VirtualNode | null | undefined {
  const ino = inodeOf(p);
  const parts = rest.split('/').filter((c) => c.length > 0);
  // the network namespace is the host process's own
  if (parts[0] === 'net') return undefined;
  if (parts.length === 0) {
    return {
      kind: 'dir', ino, entries: () => [
        ...[...FILES.keys()].map((name) => ({ name, type: DT_REG })),
        ...LINKS.map((name) => ({ name, type: DT_LNK })),
        ...DIRS.filter((d) => withTasks || d !== 'task').map((name) => ({ name, type: DT_DIR })),
        { name: 'net', type: DT_DIR },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
  const [first, second, ...more] = parts;
  if (parts.length === 1) {
    const make = FILES.get(first);
    if (make) return { kind: 'file', ino, content: () => make(proc, thread), mode: OWNER_ONLY.has(first) ? 0o400 : undefined };
    if (first === 'exe') return { kind: 'link', ino, target: proc.exePath };
    if (first === 'cwd') return { kind: 'link', ino, target: proc.vfs.cwd };
    if (first === 'root') return { kind: 'link', ino, target: '/' };
    // its size is the number of open fds (Linux 6.2 and later)
    if (first === 'fd') return { kind: 'dir', ino, entries: () => fdEntries(proc, DT_LNK), mode: 0o500, size: () => proc.fds.fds().length };
    if (first === 'fdinfo') return { kind: 'dir', ino, entries: () => fdEntries(proc, DT_REG) };
    if (first === 'task' && withTasks) {
      return { kind: 'dir', ino, entries: () => proc.threads.filter((t) => t.state !== 'exited').map((t) => ({ name: String(t.tid), type: DT_DIR })) };
    }
    return null;
  }
  if (first === 'fd' && parts.length === 2) {
    const desc = /^\d+$/.test(second) ? proc.fds.get(Number(second)) : undefined;
    if (!desc) return null;
    return { kind: 'magic', ino, target: linkText(proc, desc), object: desc, dir: directoryPathOf(desc) };
  }
  if (first === 'fdinfo' && parts.length === 2) {
    const fd = /^\d+$/.test(second) ? Number(second) : -1;
    if (!proc.fds.has(fd)) return null;
    return { kind: 'file', ino, content: () => content.fdinfo(proc, fd) };
  }
  if (first === 'task' && withTasks) {
    const t = proc.threads.find((x) => String(x.tid) === second && x.state !== 'exited');
    if (!t) return null;
    return processNode(proc, t, p, more.join('/'), false);
  }
  return null;
}

/**
 * What /proc/self/fd/N shows: the description's path, except for the host
 * streams handed over at start (stdin...), which show what the host's fd is
 * (a terminal's /dev/pts/N, pipe:[...], a redirected file).
 */
function linkText(proc: Process, desc: FileDescription): string {
  const hostFd = desc.hostFd();
  if (!(desc instanceof HostStream) || hostFd === null) return desc.path;
  try {
    const text = fs.readlinkSync(`/proc/self/fd/${hostFd}`);
    return text.startsWith('/') ? proc.vfs.toGuest(text) ?? text : text;
  } catch {
    return desc.path;
  }
}

/** What the guest lists in /proc: the host's entries but its processes, then the guest's processes. */
function procEntries(proc: Process): VirtualEntry[] {
  const host: VirtualEntry[] = [];
  try {
    for (const e of fs.readdirSync(proc.vfs.toHost('/proc'), { withFileTypes: true })) {
      if (/^\d+$/.test(e.name) || e.name === 'self' || e.name === 'thread-self') continue;
      host.push({ name: e.name, type: e.isDirectory() ? DT_DIR : e.isSymbolicLink() ? DT_LNK : DT_REG });
    }
  } catch {
    // a root without a /proc of its own: only the guest's entries
  }
  const guests = visiblePids(proc).map((pid) => ({ name: String(pid), type: DT_DIR }));
  return [...host, { name: 'self', type: DT_LNK }, { name: 'thread-self', type: DT_LNK }, ...guests];
}

function fdEntries(proc: Process, type: number): VirtualEntry[] {
  return proc.fds.fds().map((fd) => ({ name: String(fd), type }));
}
