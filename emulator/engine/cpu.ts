// A thin, typed wrapper around one Unicorn x86-32 engine: registers, memory
// mapping, hooks, run and stop. Everything above it talks to this class only,
// so the engine stays replaceable.
import koffi from 'koffi';
import { bindUnicorn, uc, HookIntrProto, HookMemProto, HookInsnInvalidProto, HookCodeProto } from './unicorn-lib.js';
import { findRegisterFile, cpuStateView } from './register-file.js';
import {
  UC_ARCH_X86, UC_MODE_32, UC_ERR_NAMES, UcErr, Reg,
  UC_HOOK_INTR, UC_HOOK_MEM_INVALID, UC_HOOK_INSN_INVALID, UC_HOOK_CODE,
  UC_CTL_WRITE_TB_REMOVE_CACHE, UC_CTL_WRITE_TB_FLUSH, UC_CTL_WRITE_USE_EXITS, UC_CTL_WRITE_EXITS,
} from './unicorn-consts.js';

export class EngineError extends Error {
  constructor(readonly op: string, readonly code: number) {
    super(`${op}: ${UC_ERR_NAMES[code] ?? code}`);
  }
}

function check(op: string, code: number): void {
  if (code !== UcErr.OK) throw new EngineError(op, code);
}

export type InterruptHook = (intno: number) => void;

/** An opaque saved CPU state (uc_context). */
export interface CpuSnapshot {
  handle: unknown;
}
/** Return true to retry the access (after mapping it), false to stop with a fault. */
export type MemFaultHook = (type: number, address: number, size: number) => boolean;

/** Registers read together on every syscall, in this order. */
const SYSCALL_REGS = [Reg.EAX, Reg.EBX, Reg.ECX, Reg.EDX, Reg.ESI, Reg.EDI, Reg.EBP] as const;

class RegBatch {
  readonly values: Uint32Array;
  private readonly idsPtr: unknown;
  private readonly valsPtr: unknown;
  private readonly valsView: Uint32Array;
  constructor(ids: readonly number[]) {
    const n = ids.length;
    this.idsPtr = koffi.alloc('int32_t', n);
    new Int32Array(koffi.view(this.idsPtr, 4 * n)).set(ids);
    const slots = koffi.alloc('uint64_t', n);
    this.valsView = new Uint32Array(koffi.view(slots, 8 * n));
    this.valsPtr = koffi.alloc('uint64_t', n);
    const ptrs = new BigUint64Array(koffi.view(this.valsPtr, 8 * n));
    const base = koffi.address(slots);
    for (let i = 0; i < n; i++) ptrs[i] = base + BigInt(8 * i);
    this.values = new Uint32Array(n);
    this.keep = slots;
  }
  private keep: unknown;
  read(engine: unknown): Uint32Array {
    uc.regReadBatch(engine, this.idsPtr, this.valsPtr, this.values.length);
    const v = this.valsView;
    const out = this.values;
    for (let i = 0; i < out.length; i++) out[i] = v[2 * i];
    return out;
  }
  write(engine: unknown, values: ArrayLike<number>): void {
    const v = this.valsView;
    for (let i = 0; i < values.length; i++) {
      v[2 * i] = values[i];
      v[2 * i + 1] = 0;
    }
    uc.regWriteBatch(engine, this.idsPtr, this.valsPtr, values.length);
  }
}

export class Cpu {
  private handle: unknown;
  private readonly scratchPtr: unknown;
  private readonly scratch: DataView;
  private readonly syscallBatch = new RegBatch(SYSCALL_REGS);
  private registerFile: Uint32Array | null = null;
  private stateCache: DataView | null = null;
  private readonly fastRegs = new Uint32Array(SYSCALL_REGS.length);
  private readonly callbacks: unknown[] = [];
  private readonly hooks: number[] = [];

  constructor() {
    bindUnicorn();
    const out: unknown[] = [null];
    check('uc_open', uc.open(UC_ARCH_X86, UC_MODE_32, out));
    this.handle = out[0];
    this.scratchPtr = koffi.alloc('uint8_t', 64);
    this.scratch = new DataView(koffi.view(this.scratchPtr, 64));
    this.initFpu();
  }

  /**
   * Unicorn 2.0.1 opens an engine with FCW = 0 (24-bit precision, every x87
   * exception unmasked), MXCSR = 0 and every x87 register tagged in use. A
   * Linux process starts from FNINIT's state instead: FCW 0x37f (64-bit
   * precision, exceptions masked), MXCSR 0x1f80, all registers empty.
   * Without this, double arithmetic on the x87 is silently rounded to float.
   */
  private initFpu(): void {
    this.setReg(Reg.FPCW, 0x37f);
    this.setReg(Reg.MXCSR, 0x1f80);
    this.setReg(Reg.FPTAG, 0xffff);
  }

  /** The engine, or an error once closed (a late call must not reach freed native memory). */
  private get engine(): unknown {
    if (this.handle === null) throw new Error('the emulated CPU is closed');
    return this.handle;
  }

  get closed(): boolean {
    return this.handle === null;
  }

  /** The raw engine pointer (for the engine fixes and the preemption watchdog). */
  get engineHandle(): unknown {
    return this.engine;
  }

  /** The engine handle as an integer, for the preemption watchdog in another thread. */
  get handleAddress(): bigint {
    return koffi.address(this.engine);
  }

  static version(): string {
    bindUnicorn();
    const v = uc.version(null, null) as number;
    return `${v >> 8}.${v & 0xff}`;
  }

  close(): void {
    if (this.handle === null) return;
    this.registerFile = null;
    this.stateCache = null;
    this.removeHooks();
    uc.close(this.handle);
    this.handle = null;
  }

  /** Remove every hook (an engine handed to another process runs that one's). */
  removeHooks(): void {
    if (this.handle === null) return;
    for (const h of this.hooks) uc.hookDel(this.handle, h);
    for (const cb of this.callbacks) koffi.unregister(cb as bigint);
    this.hooks.length = 0;
    this.callbacks.length = 0;
  }

  // ---- registers ----
  reg(id: number): number {
    check('uc_reg_read', uc.regReadPtr(this.engine, id, this.scratchPtr));
    return this.scratch.getUint32(0, true);
  }

  setReg(id: number, value: number): void {
    this.scratch.setUint32(0, value >>> 0, true);
    this.scratch.setUint32(4, 0, true);
    check('uc_reg_write', uc.regWritePtr(this.engine, id, this.scratchPtr));
  }

  /** EAX, EBX, ECX, EDX, ESI, EDI, EBP in one engine call. The array is reused. */
  syscallRegs(): Uint32Array {
    const f = this.registerFile;
    if (f === null) return this.syscallBatch.read(this.engine);
    const out = this.fastRegs;
    // env->regs order: EAX 0, ECX 1, EDX 2, EBX 3, ESP 4, EBP 5, ESI 6, EDI 7
    out[0] = f[0]; out[1] = f[6]; out[2] = f[2]; out[3] = f[4]; out[4] = f[12]; out[5] = f[14]; out[6] = f[10];
    return out;
  }

  /** The syscall result register. */
  setEax(value: number): void {
    const f = this.registerFile;
    if (f === null) this.setReg(Reg.EAX, value);
    else {
      f[0] = value >>> 0;
      f[1] = 0;
    }
  }

  /** The engine's CPU state in place (first `size` bytes), when its location is known and verified. */
  stateView(size: number): DataView | null {
    if (this.registerFile === null) return null;
    const cached = this.stateCache;
    if (cached && cached.byteLength >= size) return cached;
    this.stateCache = cpuStateView(this.engine, size);
    return this.stateCache;
  }

  /** Read and write registers through the engine's memory instead of its API (see register-file.ts). */
  useRegisterFile(): boolean {
    this.registerFile = findRegisterFile(this.engine, this);
    return this.registerFile !== null;
  }

  /**
   * Write a descriptor-table or system-segment register (GDTR, LDTR, TR):
   * base and limit, and for LDTR/TR the selector and QEMU's cached flags.
   */
  setTableReg(id: number, base: number, limit: number, selector = 0, flags = 0): void {
    const s = this.scratch;
    s.setUint16(0, selector, true);
    s.setUint32(8, base >>> 0, true);
    s.setUint32(12, 0, true);
    s.setUint32(16, limit >>> 0, true);
    s.setUint32(20, flags >>> 0, true);
    check('uc_reg_write', uc.regWritePtr(this.engine, id, this.scratchPtr));
  }

  /** Write a model-specific register (struct uc_x86_msr: 32-bit id, 64-bit value). */
  setMsr(msr: number, value: bigint): void {
    const s = this.scratch;
    s.setUint32(0, msr >>> 0, true);
    s.setUint32(4, 0, true);
    s.setBigUint64(8, value, true);
    check('uc_reg_write(MSR)', uc.regWritePtr(this.engine, Reg.MSR, this.scratchPtr));
  }

  readMsr(msr: number): bigint {
    const s = this.scratch;
    s.setUint32(0, msr >>> 0, true);
    s.setUint32(4, 0, true);
    s.setBigUint64(8, 0n, true);
    check('uc_reg_read(MSR)', uc.regReadPtr(this.engine, Reg.MSR, this.scratchPtr));
    return s.getBigUint64(8, true);
  }

  /** Raw register bytes (x87/SSE state for signal frames); size up to 64. */
  readRegBytes(id: number, size: number): Uint8Array {
    check('uc_reg_read', uc.regReadPtr(this.engine, id, this.scratchPtr));
    return new Uint8Array(this.scratch.buffer.slice(0, size));
  }

  writeRegBytes(id: number, bytes: Uint8Array): void {
    new Uint8Array(this.scratch.buffer).set(bytes);
    check('uc_reg_write', uc.regWritePtr(this.engine, id, this.scratchPtr));
  }

  // ---- memory (backing pages are owned by the caller) ----
  mapHost(address: number, size: number, perms: number, hostAddress: number): void {
    check(`uc_mem_map_ptr(${hex(address)}, ${hex(size)})`, uc.memMapPtr(this.engine, address, size, perms, hostAddress));
  }

  unmap(address: number, size: number): void {
    check(`uc_mem_unmap(${hex(address)}, ${hex(size)})`, uc.memUnmap(this.engine, address, size));
  }

  protect(address: number, size: number, perms: number): void {
    check(`uc_mem_protect(${hex(address)}, ${hex(size)})`, uc.memProtect(this.engine, address, size, perms));
  }

  /** Drop translated code for [begin, end): needed after the host writes guest code. */
  invalidateCode(begin: number, end: number): void {
    check('uc_ctl(TB_REMOVE_CACHE)', uc.ctl(this.engine, UC_CTL_WRITE_TB_REMOVE_CACHE, 'uint64_t', begin, 'uint64_t', end));
  }

  flushCode(): void {
    check('uc_ctl(TB_FLUSH)', uc.ctl(this.engine, UC_CTL_WRITE_TB_FLUSH));
  }

  /** Addresses where emulation stops at a block boundary (Unicorn "exits"). */
  setExits(addresses: readonly number[]): void {
    check('uc_ctl(USE_EXITS)', uc.ctl(this.engine, UC_CTL_WRITE_USE_EXITS, 'int', 1));
    const buf = new BigUint64Array(addresses.map((a) => BigInt(a)));
    check('uc_ctl(EXITS)', uc.ctl(this.engine, UC_CTL_WRITE_EXITS, 'uint64_t *', buf, 'size_t', addresses.length));
  }

  // ---- hooks ----
  onInterrupt(fn: InterruptHook): void {
    const cb = koffi.register((_uc: unknown, intno: number) => fn(intno), koffi.pointer(HookIntrProto));
    this.addHook(UC_HOOK_INTR, cb);
  }

  onMemFault(fn: MemFaultHook): void {
    const cb = koffi.register(
      (_uc: unknown, type: number, address: bigint | number, size: number) => fn(type, Number(address), size),
      koffi.pointer(HookMemProto),
    );
    this.addHook(UC_HOOK_MEM_INVALID, cb);
  }

  /** Called on an instruction the engine cannot decode; return false to stop. */
  onInvalidInstruction(fn: () => boolean): void {
    const cb = koffi.register(() => fn(), koffi.pointer(HookInsnInvalidProto));
    this.addHook(UC_HOOK_INSN_INVALID, cb);
  }

  /**
   * Ask the engine to stop when it reaches the instruction at `address`, in
   * code translated from now on (drop older translations of it first). The
   * stop takes effect where the running block ends: a debugger's single step
   * stops at the next block's start, or earlier with start()'s `until`.
   * Returns the function that removes the request.
   */
  stopRequestAt(address: number): () => void {
    const cb = koffi.register(() => this.stop(), koffi.pointer(HookCodeProto));
    const hh = [0];
    check('uc_hook_add', uc.hookAdd(this.engine, hh, UC_HOOK_CODE, cb, null, address, address));
    return () => {
      check('uc_hook_del', uc.hookDel(this.engine, hh[0]));
      koffi.unregister(cb);
    };
  }

  private addHook(type: number, cb: unknown): void {
    this.callbacks.push(cb);
    const hh = [0];
    // begin > end: the hook covers the whole address space
    check('uc_hook_add', uc.hookAdd(this.engine, hh, type, cb, null, 1, 0));
    this.hooks.push(hh[0]);
  }

  // ---- whole-CPU snapshots (registers, FPU/SSE, segments, control registers) ----
  saveContext(): CpuSnapshot {
    const out: unknown[] = [null];
    check('uc_context_alloc', uc.contextAlloc(this.engine, out));
    check('uc_context_save', uc.contextSave(this.engine, out[0]));
    return { handle: out[0] };
  }

  restoreContext(snapshot: CpuSnapshot): void {
    check('uc_context_restore', uc.contextRestore(this.engine, snapshot.handle));
  }

  freeContext(snapshot: CpuSnapshot): void {
    if (snapshot.handle !== null) uc.contextFree(snapshot.handle);
    snapshot.handle = null;
  }

  // ---- execution ----
  /**
   * Run from `begin` until a stop, for at most `count` instructions when
   * `count` > 0, and not past `until` when non-zero (a debugger's single
   * step: the engine stops before `until` within a block translated after
   * it was set). A count is honoured only at block ends, makes the engine
   * call a hook at every instruction from then on, and going back to 0
   * flushes every translation: the debugger does not use it. Returns the
   * engine's status code (0 = stopped cleanly).
   */
  start(begin: number, count = 0, until = 0): number {
    return uc.emuStart(this.engine, begin, until, 0, count) as number;
  }

  stop(): void {
    if (this.handle !== null) uc.emuStop(this.handle);
  }
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}
