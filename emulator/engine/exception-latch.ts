// Unicorn 2.0.1 never clears QEMU's "exception in flight" (env->old_exception):
// QEMU clears it once an exception has been delivered through the IDT, but
// our interrupt hook takes guest exceptions before that. When a signal
// handler survives a fault, the guest's next page fault or divide error is
// then turned into a double fault (#DF) and loses its cause.
//
// The field is not reachable through the API, but it is part of the state
// uc_context_save/restore copy. Its place in that state is found once, on a
// scratch engine: it reads -1 before any exception, 0 after a divide error,
// and 8 after a general protection fault that the stale 0 turned into a #DF.
// Clearing it is then save, set to -1, restore.
import koffi from 'koffi';
import { Cpu } from './cpu.js';
import { uc } from './unicorn-lib.js';
import { Reg } from './unicorn-consts.js';

const CODE_BASE = 0x10000;
/** xor eax,eax; div eax (#DE) */
const DIVIDE_ERROR = [0x31, 0xc0, 0xf7, 0xf0];
/** mov ax,0x1234; mov ds,ax (#GP: there is no descriptor table) */
const PROTECTION_FAULT = [0x66, 0xb8, 0x34, 0x12, 0x8e, 0xd8];
const GP_AT = 16;

/** struct uc_context: size_t context_size, uc_mode mode, uc_arch arch, then the CPU state. */
const CONTEXT_HEADER = 16;

/** Byte offset of old_exception in a saved context; null when it could not be found. */
let latchOffset: number | null | undefined;

function saveContext(engine: unknown, ctx: unknown): DataView {
  if (uc.contextSave(engine, ctx) !== 0) throw new Error('uc_context_save failed');
  const size = Number(new BigUint64Array(koffi.view(ctx, 8))[0]);
  // struct uc_context starts with its data size; the header is small
  return new DataView(koffi.view(ctx, size + 64));
}

function calibrate(): number | null {
  const cpu = new Cpu();
  const page = koffi.alloc('uint8_t', 8192);
  const ctxOut: unknown[] = [null];
  try {
    const host = Number(koffi.address(page));
    const aligned = Math.ceil(host / 4096) * 4096;
    const bytes = new Uint8Array(koffi.view(page, 8192));
    bytes.set(DIVIDE_ERROR, aligned - host);
    bytes.set(PROTECTION_FAULT, aligned - host + GP_AT);
    cpu.mapHost(CODE_BASE, 4096, 7, aligned);
    const seen: number[] = [];
    cpu.onInterrupt((intno) => {
      seen.push(intno);
      cpu.stop();
    });
    if (uc.contextAlloc(cpu.engineHandle, ctxOut) !== 0) return null;
    const snapshots: DataView[] = [];
    const copy = (v: DataView): DataView => new DataView(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    snapshots.push(copy(saveContext(cpu.engineHandle, ctxOut[0])));
    cpu.start(CODE_BASE);
    snapshots.push(copy(saveContext(cpu.engineHandle, ctxOut[0])));
    cpu.setReg(Reg.EAX, 0);
    cpu.start(CODE_BASE + GP_AT);
    snapshots.push(copy(saveContext(cpu.engineHandle, ctxOut[0])));
    if (seen.join() !== '0,8') return null;
    const [s0, s1, s2] = snapshots;
    const found: number[] = [];
    for (let o = 0; o + 4 <= s0.byteLength; o += 4) {
      if (s0.getInt32(o, true) === -1 && s1.getInt32(o, true) === 0 && s2.getInt32(o, true) === 8) found.push(o);
    }
    return found.length === 1 ? found[0] : null;
  } catch {
    return null;
  } finally {
    if (ctxOut[0]) uc.contextFree(ctxOut[0]);
    cpu.close();
    koffi.free(page);
  }
}

/**
 * Forget the exception the engine thinks is still being delivered. Returns
 * false when this Unicorn build's state could not be located (the next
 * fault may then be reported as a double fault).
 */
export function clearExceptionInFlight(cpu: Cpu): boolean {
  if (latchOffset === undefined) latchOffset = calibrate();
  if (latchOffset === null) return false;
  // a saved context is a 16-byte header and then a copy of the CPU state:
  // when the state is reachable in place, one store does it
  const direct = cpu.stateView(latchOffset - CONTEXT_HEADER + 4);
  if (direct) {
    direct.setInt32(latchOffset - CONTEXT_HEADER, -1, true);
    return true;
  }
  const out: unknown[] = [null];
  if (uc.contextAlloc(cpu.engineHandle, out) !== 0) return false;
  try {
    const state = saveContext(cpu.engineHandle, out[0]);
    state.setInt32(latchOffset, -1, true);
    return uc.contextRestore(cpu.engineHandle, out[0]) === 0;
  } finally {
    uc.contextFree(out[0]);
  }
}
