// An epoll instance. Members that are host objects are registered in a real
// host epoll set with the guest's own epoll_event (the i386 layout equals
// the host's packed one), so level/edge triggering, EPOLLONESHOT and the data
// word behave exactly as the kernel's. Emulator-only members (pipes, ...)
// are tracked here from their readiness and change notifications.
import { EEXIST, ENOENT, EPERM, EINVAL } from '../abi/errno.js';
import { FileDescription } from '../files/description.js';
import { Readiness } from '../kernel/wait.js';
import { watchFd } from '../host/fd-watch.js';
import { host } from '../host/libc-net.js';
import { HostObject } from './host-object.js';
import { hostPollFd } from './pollable-fd.js';

export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CTL_MOD = 3;
export const EPOLLIN = 0x001;
export const EPOLLPRI = 0x002;
export const EPOLLOUT = 0x004;
export const EPOLLERR = 0x008;
export const EPOLLHUP = 0x010;
export const EPOLLRDHUP = 0x2000;
export const EPOLLONESHOT = 1 << 30;
export const EPOLLET = 1 << 31;

const S_IFREG = 0o100000;

interface LocalMember {
  desc: FileDescription;
  events: number;
  data: Uint8Array;
  /** Edge-triggered: readiness changed since the last report. */
  changed: boolean;
  disabled: boolean;
  unsubscribe: () => void;
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
  private readonly local = new Map<FileDescription, LocalMember>();
  /** Wakes a waiting epoll_wait when an emulator-only member changes. */
  private waiters = new Set<() => void>();

  constructor(fd: number, statusFlags: number) {
    super(fd, statusFlags, 'anon_inode:[eventpoll]', S_IFREG | 0o600);
  }

  control(op: number, target: FileDescription, event: Uint8Array | null): number {
    if (target === this) return -EINVAL;
    const hostFd = hostPollFd(target);
    if (hostFd !== null) return host.epollCtl(this.fd, op, hostFd, op === EPOLL_CTL_DEL ? null : event);
    if (target.stat().mode >> 12 === 8) return -EPERM; // regular files cannot be watched
    const existing = this.local.get(target);
    if (op === EPOLL_CTL_DEL) {
      if (!existing) return -ENOENT;
      existing.unsubscribe();
      this.local.delete(target);
      return 0;
    }
    if (!event || event.length < 12) return -EINVAL;
    const events = new DataView(event.buffer, event.byteOffset).getUint32(0, true);
    if (op === EPOLL_CTL_ADD) {
      if (existing) return -EEXIST;
      const m: LocalMember = {
        desc: target, events, data: Uint8Array.from(event.subarray(4, 12)), changed: true, disabled: false,
        unsubscribe: () => {},
      };
      m.unsubscribe = target.subscribe(() => {
        m.changed = true;
        for (const w of [...this.waiters]) w();
      });
      this.local.set(target, m);
      return 0;
    }
    if (op === EPOLL_CTL_MOD) {
      if (!existing) return -ENOENT;
      existing.events = events;
      existing.data = Uint8Array.from(event.subarray(4, 12));
      existing.disabled = false;
      existing.changed = true;
      return 0;
    }
    return -EINVAL;
  }

  /** Ready events (12-byte epoll_event records) without waiting; returns the count written. */
  collect(out: Uint8Array, max: number): number {
    let n = host.epollWait(this.fd, out, max);
    if (n < 0) return n;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (const [desc, m] of this.local) {
      if (n >= max) break;
      if (desc.refs === 0) {
        m.unsubscribe();
        this.local.delete(desc);
        continue;
      }
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
    for (const m of this.local.values()) m.unsubscribe();
    this.local.clear();
    super.release();
  }
}
