// An epoll instance. Like the kernel's, it keys a registration by (fd, open
// file): one description reached through two guest fds (dup) can be added
// twice, and its registrations last until the description is released, even
// if the fd they were added through is closed. Members that are host objects
// are registered in a real host epoll set with the guest's own epoll_event
// (the i386 layout equals the host's packed one), so level/edge triggering,
// EPOLLONESHOT and the data word behave exactly as the kernel's; the host
// keys by (host fd, file) too, so a second registration of one description
// goes through a host dup of its fd. Emulator-only members (pipes, ...) are
// tracked here from their readiness and change notifications.
import { EEXIST, ENOENT, ENOSPC, EPERM, EINVAL } from '../abi/errno.js';
import { FileDescription } from '../files/description.js';
import { Readiness } from '../kernel/wait.js';
import { watchFd } from '../host/fd-watch.js';
import { host } from '../host/libc-net.js';
import { withinFdBudget } from '../host/fd-budget.js';
import { HostObject } from './host-object.js';
import { hostPollFd } from './pollable-fd.js';

import {
  EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLLERR, EPOLLET, EPOLLHUP, EPOLLIN, EPOLLONESHOT, EPOLLOUT,
} from '../abi/epoll.js';

const S_IFREG = 0o100000;

interface LocalMember {
  events: number;
  data: Uint8Array;
  /** Edge-triggered: readiness changed since the last report. */
  changed: boolean;
  disabled: boolean;
  unsubscribe: () => void;
}

/** A host member's registration: the host fd it is registered under, and whether that is a dup this set owns. */
interface HostMember {
  hostFd: number;
  dup: boolean;
}

/** Every registration of one description, by guest fd. */
interface Registrations<M> {
  byFd: Map<number, M>;
  stopWatching: () => void;
}

function eventsOf(r: Readiness, wanted: number): number {
  let ev = 0;
  if (r.readable) ev |= EPOLLIN;
  if (r.writable) ev |= EPOLLOUT;
  if (r.hangup) ev |= EPOLLHUP;
  if (r.error) ev |= EPOLLERR;
  return ev & (wanted | EPOLLERR | EPOLLHUP);
}

export class Epoll extends HostObject {
  private readonly local = new Map<FileDescription, Registrations<LocalMember>>();
  private readonly hosted = new Map<FileDescription, Registrations<HostMember>>();
  /** Wakes a waiting epoll_wait when an emulator-only member changes. */
  private waiters = new Set<() => void>();

  constructor(fd: number, statusFlags: number) {
    super(fd, statusFlags, 'anon_inode:[eventpoll]', S_IFREG | 0o600);
  }

  /** epoll_ctl on guest fd `fd`, which refers to `target`. */
  control(op: number, target: FileDescription, fd: number, event: Uint8Array | null): number {
    if (target === this) return -EINVAL;
    if (op !== EPOLL_CTL_ADD && op !== EPOLL_CTL_MOD && op !== EPOLL_CTL_DEL) return -EINVAL;
    const hostFd = hostPollFd(target);
    if (hostFd !== null) return this.controlHost(op, target, fd, hostFd, event);
    if (target.stat().mode >> 12 === 8) return -EPERM; // regular files cannot be watched
    return this.controlLocal(op, target, fd, event);
  }

  private controlHost(op: number, target: FileDescription, fd: number, ownFd: number, event: Uint8Array | null): number {
    const regs = this.hosted.get(target);
    const existing = regs?.byFd.get(fd);
    if (op !== EPOLL_CTL_ADD) {
      if (!existing) return -ENOENT;
      const r = host.epollCtl(this.fd, op, existing.hostFd, op === EPOLL_CTL_DEL ? null : event);
      if (r === 0 && op === EPOLL_CTL_DEL) this.forgetHost(target, fd);
      return r;
    }
    if (existing) return -EEXIST;
    const taken = regs !== undefined && [...regs.byFd.values()].some((m) => !m.dup);
    const hostFd = taken ? host.dup(ownFd) : ownFd;
    if (hostFd < 0) return hostFd;
    // a duplicate must leave dsu its own descriptors: ENOSPC, as for too many watches
    if (taken && !withinFdBudget(hostFd)) {
      host.close(hostFd);
      return -ENOSPC;
    }
    const r = host.epollCtl(this.fd, op, hostFd, event);
    if (r < 0) {
      if (taken) host.close(hostFd);
      return r;
    }
    this.registrations(this.hosted, target).byFd.set(fd, { hostFd, dup: taken });
    return 0;
  }

  private controlLocal(op: number, target: FileDescription, fd: number, event: Uint8Array | null): number {
    const existing = this.local.get(target)?.byFd.get(fd);
    if (op === EPOLL_CTL_DEL) {
      if (!existing) return -ENOENT;
      this.forgetLocal(target, fd);
      return 0;
    }
    if (!event || event.length < 12) return -EINVAL;
    const events = new DataView(event.buffer, event.byteOffset).getUint32(0, true);
    if (op === EPOLL_CTL_MOD) {
      if (!existing) return -ENOENT;
      existing.events = events;
      existing.data = Uint8Array.from(event.subarray(4, 12));
      existing.disabled = false;
      existing.changed = true;
      return 0;
    }
    if (existing) return -EEXIST;
    const m: LocalMember = { events, data: Uint8Array.from(event.subarray(4, 12)), changed: true, disabled: false, unsubscribe: () => {} };
    m.unsubscribe = target.subscribe(() => {
      m.changed = true;
      for (const w of [...this.waiters]) w();
    });
    this.registrations(this.local, target).byFd.set(fd, m);
    return 0;
  }

  /** The registrations of `target`, created (and watching for its release) on first use. */
  private registrations<M>(all: Map<FileDescription, Registrations<M>>, target: FileDescription): Registrations<M> {
    let regs = all.get(target);
    if (!regs) {
      regs = { byFd: new Map(), stopWatching: target.onRelease(() => this.forgetAll(target)) };
      all.set(target, regs);
    }
    return regs;
  }

  private forgetHost(target: FileDescription, fd: number): void {
    const regs = this.hosted.get(target);
    const m = regs?.byFd.get(fd);
    if (!regs || !m) return;
    // a dup keeps the host file open (and registered): close it with its registration
    if (m.dup) host.close(m.hostFd);
    regs.byFd.delete(fd);
    if (regs.byFd.size === 0) {
      regs.stopWatching();
      this.hosted.delete(target);
    }
  }

  private forgetLocal(target: FileDescription, fd: number): void {
    const regs = this.local.get(target);
    const m = regs?.byFd.get(fd);
    if (!regs || !m) return;
    m.unsubscribe();
    regs.byFd.delete(fd);
    if (regs.byFd.size === 0) {
      regs.stopWatching();
      this.local.delete(target);
    }
  }

  /** The description is released: every registration of it goes. */
  private forgetAll(target: FileDescription): void {
    for (const fd of [...(this.hosted.get(target)?.byFd.keys() ?? [])]) this.forgetHost(target, fd);
    for (const fd of [...(this.local.get(target)?.byFd.keys() ?? [])]) this.forgetLocal(target, fd);
  }

  /** Ready events (12-byte epoll_event records) without waiting; returns the count written. */
  collect(out: Uint8Array, max: number): number {
    let n = host.epollWait(this.fd, out, max);
    if (n < 0) return n;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (const [desc, regs] of this.local) {
      for (const m of regs.byFd.values()) {
        if (n >= max) return n;
        if (m.disabled) continue;
        const edge = (m.events & EPOLLET) !== 0;
        if (edge && !m.changed) continue;
        const ev = eventsOf(desc.readiness(), m.events);
        m.changed = false;
        if (ev === 0) continue;
        view.setUint32(n * 12, ev, true);
        out.set(m.data, n * 12 + 4);
        n++;
        if (m.events & EPOLLONESHOT) m.disabled = true;
      }
    }
    return n;
  }

  /** Register a wake-up for any change: host members through the epoll fd, others directly. */
  watchAll(wake: () => void): () => void {
    this.waiters.add(wake);
    const stopHost = watchFd(this.fd, { readable: true }, wake);
    return () => {
      this.waiters.delete(wake);
      stopHost();
    };
  }

  override release(): void {
    for (const target of [...this.hosted.keys(), ...this.local.keys()]) this.forgetAll(target);
    super.release();
  }
}
