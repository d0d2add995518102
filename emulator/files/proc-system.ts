// The system-wide /proc files programs read (cpuinfo, meminfo, uptime,
// loadavg, stat, sys/kernel/...), for a root without a /proc of its own:
// virtual files whose text is the host kernel's at the time they are read,
// with the directories leading to them. Nothing else of the host's /proc
// is shown (its processes and their files are not the guest's to see).
import fs from 'node:fs';
import { DT_DIR, DT_REG } from '../abi/dirent.js';
import { inodeOf } from './virtual-files.js';
import type { VirtualEntry, VirtualNode } from './vfs.js';

const FILES = [
  'cpuinfo', 'meminfo', 'uptime', 'loadavg', 'stat', 'version', 'filesystems', 'swaps',
  'sys/kernel/osrelease', 'sys/kernel/ostype', 'sys/kernel/version', 'sys/kernel/hostname', 'sys/kernel/domainname',
  'sys/kernel/pid_max', 'sys/kernel/threads-max', 'sys/kernel/ngroups_max', 'sys/kernel/cap_last_cap',
  'sys/kernel/random/boot_id', 'sys/kernel/random/uuid', 'sys/kernel/random/entropy_avail', 'sys/kernel/random/poolsize',
  'sys/vm/overcommit_memory', 'sys/vm/max_map_count', 'sys/fs/file-max', 'sys/fs/nr_open',
  'sys/net/core/somaxconn', 'sys/net/ipv4/ip_local_port_range',
];

/** Each directory under /proc leading to the files, with its entries. */
const DIRS = new Map<string, VirtualEntry[]>();
for (const f of FILES) {
  const parts = f.split('/');
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const entries = DIRS.get(dir) ?? [];
    const type = i === parts.length - 1 ? DT_REG : DT_DIR;
    if (!entries.some((e) => e.name === parts[i])) entries.push({ name: parts[i], type });
    DIRS.set(dir, entries);
  }
}

/** The host's /proc entries /proc lists (besides the guest's own). */
export function systemEntries(): VirtualEntry[] {
  return DIRS.get('') ?? [];
}

/** The node at `/proc/<rel>` (rel without a leading slash), or undefined when it is not one of these. */
export function systemNode(rel: string): VirtualNode | undefined {
  const ino = inodeOf('/proc/' + rel);
  const entries = DIRS.get(rel);
  if (rel !== '' && entries) return { kind: 'dir', ino, entries: () => entries, mode: 0o555 };
  if (!FILES.includes(rel)) return undefined;
  const writable = rel.startsWith('sys/');
  return { kind: 'file', ino, content: () => readHost('/proc/' + rel), mode: writable ? 0o644 : 0o444 };
}

function readHost(p: string): Uint8Array {
  try {
    return fs.readFileSync(p);
  } catch {
    return new Uint8Array(0);
  }
}
