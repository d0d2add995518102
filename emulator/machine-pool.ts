// Machines handed to the processes of one session, and taken back when a
// process exits or execs. Making one costs ~75 ms: ~30 ms to open a Unicorn
// engine, and ~45 ms of garbage collection that V8 starts when the 4 GiB view
// of a new reservation is counted as external memory. So a machine taken back
// is emptied (every mapping removed, which drops its translated code; its
// first CPU state put back; its hooks removed) and kept for the next fork or
// exec. A CLONE_VM child (vfork, posix_spawn) gets an engine of its own over
// its parent's memory; when it leaves (exec, exit) that engine stays with the
// parent's memory, idle, still told of every code change, for the parent's
// next vfork, and goes when the parent's memory does. Pointing an engine at
// other memory instead (uc_mem_unmap/map of 4 GiB) costs about a second.
//
// Engines are closed only after a delay: the session's one preemption
// watchdog may be about to stop the engine whose slice has just ended.
import { Machine, type MemoryGroup } from './machine.js';
import { SavedCpu } from './engine/saved-cpu.js';
import { TLS_COUNT, TLS_FIRST } from './engine/descriptors.js';
import { noRoomForEngine, refreshGuestBudget } from './memory/host-budget.js';
import { ENOMEM, LinuxError } from './abi/errno.js';

/**
 * Under a host RLIMIT_AS every engine's 1 GiB translation buffer counts: a
 * fork with no room for one fails with ENOMEM (the engine would otherwise end
 * the whole dsu process), and one made shrinks the guests' share.
 */
function newEngine(make: () => Machine): Machine {
  const why = noRoomForEngine();
  if (why !== null) throw new LinuxError(ENOMEM, why);
  const m = make();
  refreshGuestBudget();
  return m;
}

/** Idle machines kept beyond this are closed. */
const KEEP_IDLE = 16;
/** Far longer than the watchdog takes between deciding to stop an engine and stopping it. */
const CLOSE_DELAY_MS = 500;

interface GroupState {
  /** Sharing machines not given to any process now. */
  idle: Machine[];
  /** The owner's process left while a sharing machine still ran: recycle it when the last one leaves. */
  ownerLeft: boolean;
}

export class MachinePool {
  private readonly idle: Machine[] = [];
  /** The first CPU state of every open engine. */
  private readonly pristine = new Map<Machine, SavedCpu>();
  private readonly groups = new WeakMap<MemoryGroup, GroupState>();
  private readonly closing = new Set<ReturnType<typeof setTimeout>>();
  made = 0;
  reused = 0;

  /** A machine with empty memory and a fresh CPU. */
  acquire(): Machine {
    const m = this.idle.pop();
    if (m) {
      this.reused++;
      return m;
    }
    return this.remember(newEngine(() => new Machine()));
  }

  /** A machine over `parent`'s memory with an engine of its own (a CLONE_VM child). */
  sharing(parent: Machine): Machine {
    const m = this.state(parent.group).idle.pop();
    if (m) {
      this.reused++;
      return m;
    }
    return this.remember(newEngine(() => Machine.sharing(parent)));
  }

  private state(group: MemoryGroup): GroupState {
    let s = this.groups.get(group);
    if (!s) this.groups.set(group, (s = { idle: [], ownerLeft: false }));
    return s;
  }

  private remember(m: Machine): Machine {
    this.made++;
    const saved = new SavedCpu(m.cpu);
    saved.save(m.cpu);
    this.pristine.set(m, saved);
    return m;
  }

  /** Put the engine back as it was made: no hooks, its first CPU state. */
  private resetEngine(m: Machine): void {
    m.cpu.removeHooks();
    this.pristine.get(m)?.restore(m.cpu);
  }

  /** Take a machine back from a process that has left it (exit, exec). */
  recycle(m: Machine): void {
    this.resetEngine(m);
    const group = m.group;
    const state = this.state(group);
    if (m.isSharing) {
      state.idle.push(m);
      if (state.ownerLeft && group.members.every((x) => x === group.owner || state.idle.includes(x))) {
        state.ownerLeft = false;
        this.recycleOwner(group.owner, state);
      }
      return;
    }
    const busySharer = group.members.some((x) => x !== m && !state.idle.includes(x));
    if (busySharer) {
      // a CLONE_VM child still runs in this memory
      state.ownerLeft = true;
      return;
    }
    this.recycleOwner(m, state);
  }

  private recycleOwner(m: Machine, state: GroupState): void {
    for (const sharer of state.idle.splice(0)) this.closeLater(sharer);
    if (this.idle.length >= KEEP_IDLE) {
      this.closeLater(m);
      return;
    }
    m.space.clear();
    for (let i = 0; i < TLS_COUNT; i++) m.gdt.write(TLS_FIRST + i, [0, 0]);
    this.idle.push(m);
  }

  private closeLater(m: Machine): void {
    const timer = setTimeout(() => {
      this.closing.delete(timer);
      this.close(m);
    }, CLOSE_DELAY_MS);
    timer.unref();
    this.closing.add(timer);
  }

  private close(m: Machine): void {
    this.pristine.get(m)?.free();
    this.pristine.delete(m);
    m.release();
  }

  /** Close every engine and free every memory (once the watchdog is gone). */
  closeAll(): void {
    for (const t of this.closing) clearTimeout(t);
    this.closing.clear();
    const all = [...this.pristine.keys()];
    // sharing machines first: an owner frees the memory they run over
    for (const m of all.filter((x) => x.isSharing)) this.close(m);
    for (const m of all) this.close(m);
    this.idle.length = 0;
  }
}
