// User and group IDs: the set*id family (16- and 32-bit), getres*id,
// setfs*id and the supplementary groups, with the kernel's permission rules
// (kernel/sys.c): a process with euid 0 may set any ID, others may only move
// between their real, effective and saved IDs. The IDs are the guest's own;
// the host process keeps its credentials, so host file access is unchanged.
import { EINVAL, EPERM } from '../abi/errno.js';
import type { ProcessIdentity } from '../process.js';
import { row, SyscallContext, SyscallRow } from './types.js';

/** The kernel's overflowuid: what a 16-bit call reports for an ID above 65535. */
const OVERFLOW_ID = 65534;
const NGROUPS_MAX = 65536;

type Kind = 'uid' | 'gid';

interface Ids {
  real: number;
  effective: number;
  saved: number;
  fs: number;
}

function read(ids: ProcessIdentity, kind: Kind): Ids {
  return kind === 'uid'
    ? { real: ids.uid, effective: ids.euid, saved: ids.suid, fs: ids.fsuid }
    : { real: ids.gid, effective: ids.egid, saved: ids.sgid, fs: ids.fsgid };
}

function write(ids: ProcessIdentity, kind: Kind, v: Ids): void {
  if (kind === 'uid') {
    ids.uid = v.real; ids.euid = v.effective; ids.suid = v.saved; ids.fsuid = v.fs;
  } else {
    ids.gid = v.real; ids.egid = v.effective; ids.sgid = v.saved; ids.fsgid = v.fs;
  }
}

/** CAP_SETUID / CAP_SETGID: held by a process whose effective user is root. */
const privileged = (ctx: SyscallContext): boolean => ctx.proc.ids.euid === 0;

/** An ID argument: -1 ("unchanged") or a 32-bit ID; 16-bit calls widen 0xffff to -1. */
type Arg = number | null;
const arg32 = (v: number): Arg => (v === -1 || v === 0xffffffff ? null : v >>> 0);
const arg16 = (v: number): Arg => ((v & 0xffff) === 0xffff ? null : v & 0xffff);
const high16 = (v: number): number => (v > 0xffff ? OVERFLOW_ID : v);

function setId(ctx: SyscallContext, kind: Kind, id: Arg): number {
  if (id === null) return -EINVAL;
  const cur = read(ctx.proc.ids, kind);
  if (privileged(ctx)) write(ctx.proc.ids, kind, { real: id, effective: id, saved: id, fs: id });
  else if (id === cur.real || id === cur.saved) write(ctx.proc.ids, kind, { ...cur, effective: id, fs: id });
  else return -EPERM;
  return 0;
}

function setReId(ctx: SyscallContext, kind: Kind, r: Arg, e: Arg): number {
  const cur = read(ctx.proc.ids, kind);
  if (!privileged(ctx)) {
    if (r !== null && r !== cur.real && r !== cur.effective) return -EPERM;
    if (e !== null && e !== cur.real && e !== cur.effective && e !== cur.saved) return -EPERM;
  }
  const next = { ...cur, real: r ?? cur.real, effective: e ?? cur.effective };
  if (r !== null || (e !== null && e !== cur.real)) next.saved = next.effective;
  next.fs = next.effective;
  write(ctx.proc.ids, kind, next);
  return 0;
}

function setResId(ctx: SyscallContext, kind: Kind, r: Arg, e: Arg, s: Arg): number {
  const cur = read(ctx.proc.ids, kind);
  const allowed = (v: Arg): boolean => v === null || v === cur.real || v === cur.effective || v === cur.saved;
  if (!privileged(ctx) && !(allowed(r) && allowed(e) && allowed(s))) return -EPERM;
  const effective = e ?? cur.effective;
  write(ctx.proc.ids, kind, { real: r ?? cur.real, effective, saved: s ?? cur.saved, fs: effective });
  return 0;
}

function getResId(ctx: SyscallContext, kind: Kind, narrow: boolean, rp: number, ep: number, sp: number): number {
  const cur = read(ctx.proc.ids, kind);
  const put = narrow ? (p: number, v: number) => ctx.mem.setU16(p, high16(v)) : (p: number, v: number) => ctx.mem.setU32(p, v);
  put(rp, cur.real);
  put(ep, cur.effective);
  put(sp, cur.saved);
  return 0;
}

/** Returns the old file-system ID whether or not the change was allowed. */
function setFsId(ctx: SyscallContext, kind: Kind, id: Arg, narrow: boolean): number {
  const cur = read(ctx.proc.ids, kind);
  const old = narrow ? high16(cur.fs) : cur.fs;
  if (id === null) return old;
  if (privileged(ctx) || id === cur.real || id === cur.effective || id === cur.saved || id === cur.fs) {
    write(ctx.proc.ids, kind, { ...cur, fs: id });
  }
  return old;
}

function getGroups(ctx: SyscallContext, size: number, list: number, narrow: boolean): number {
  const groups = ctx.proc.ids.groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -EINVAL;
  groups.forEach((g, i) => (narrow ? ctx.mem.setU16(list + 2 * i, high16(g)) : ctx.mem.setU32(list + 4 * i, g)));
  return groups.length;
}

function setGroups(ctx: SyscallContext, size: number, list: number, narrow: boolean): number {
  if (!privileged(ctx)) return -EPERM;
  if (size < 0 || size > NGROUPS_MAX) return -EINVAL;
  const groups: number[] = [];
  for (let i = 0; i < size; i++) groups.push(narrow ? ctx.mem.u16(list + 2 * i) : ctx.mem.u32(list + 4 * i));
  ctx.proc.ids.groups = groups.sort((a, b) => a - b);
  return 0;
}

export const credentialRows: SyscallRow[] = [
  row(23, 'setuid', ['int'], (ctx, a) => setId(ctx, 'uid', arg16(a))),
  row(213, 'setuid32', ['int'], (ctx, a) => setId(ctx, 'uid', arg32(a))),
  row(46, 'setgid', ['int'], (ctx, a) => setId(ctx, 'gid', arg16(a))),
  row(214, 'setgid32', ['int'], (ctx, a) => setId(ctx, 'gid', arg32(a))),
  row(70, 'setreuid', ['int', 'int'], (ctx, a, b) => setReId(ctx, 'uid', arg16(a), arg16(b))),
  row(203, 'setreuid32', ['int', 'int'], (ctx, a, b) => setReId(ctx, 'uid', arg32(a), arg32(b))),
  row(71, 'setregid', ['int', 'int'], (ctx, a, b) => setReId(ctx, 'gid', arg16(a), arg16(b))),
  row(204, 'setregid32', ['int', 'int'], (ctx, a, b) => setReId(ctx, 'gid', arg32(a), arg32(b))),
  row(164, 'setresuid', ['int', 'int', 'int'], (ctx, a, b, c) => setResId(ctx, 'uid', arg16(a), arg16(b), arg16(c))),
  row(208, 'setresuid32', ['int', 'int', 'int'], (ctx, a, b, c) => setResId(ctx, 'uid', arg32(a), arg32(b), arg32(c))),
  row(170, 'setresgid', ['int', 'int', 'int'], (ctx, a, b, c) => setResId(ctx, 'gid', arg16(a), arg16(b), arg16(c))),
  row(210, 'setresgid32', ['int', 'int', 'int'], (ctx, a, b, c) => setResId(ctx, 'gid', arg32(a), arg32(b), arg32(c))),
  row(165, 'getresuid', ['ptr', 'ptr', 'ptr'], (ctx, a, b, c) => getResId(ctx, 'uid', true, a, b, c)),
  row(209, 'getresuid32', ['ptr', 'ptr', 'ptr'], (ctx, a, b, c) => getResId(ctx, 'uid', false, a, b, c)),
  row(171, 'getresgid', ['ptr', 'ptr', 'ptr'], (ctx, a, b, c) => getResId(ctx, 'gid', true, a, b, c)),
  row(211, 'getresgid32', ['ptr', 'ptr', 'ptr'], (ctx, a, b, c) => getResId(ctx, 'gid', false, a, b, c)),
  row(138, 'setfsuid', ['int'], (ctx, a) => setFsId(ctx, 'uid', arg16(a), true)),
  row(215, 'setfsuid32', ['int'], (ctx, a) => setFsId(ctx, 'uid', arg32(a), false)),
  row(139, 'setfsgid', ['int'], (ctx, a) => setFsId(ctx, 'gid', arg16(a), true)),
  row(216, 'setfsgid32', ['int'], (ctx, a) => setFsId(ctx, 'gid', arg32(a), false)),
  row(80, 'getgroups', ['int', 'ptr'], (ctx, a, b) => getGroups(ctx, a | 0, b, true)),
  row(205, 'getgroups32', ['int', 'ptr'], (ctx, a, b) => getGroups(ctx, a | 0, b, false)),
  row(81, 'setgroups', ['int', 'ptr'], (ctx, a, b) => setGroups(ctx, a | 0, b, true)),
  row(206, 'setgroups32', ['int', 'ptr'], (ctx, a, b) => setGroups(ctx, a | 0, b, false)),
];
