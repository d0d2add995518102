// Direct access to the guest's general registers in the engine's CPU state,
// for the syscall path: reading seven registers and writing EAX through the
// Unicorn API costs two native calls per syscall, most of a trivial
// syscall's price. x86_reg_read in Debian's Unicorn 2.0.1 finds the CPU
// state at uc->cpu + 0x8750 (checked in its code); the register array is
// then checked both ways through the API before it is trusted. Anything
// unexpected leaves the API in use.
import koffi from 'koffi';
import { librarySymbol } from '../host/native.js';
import { Reg } from './unicorn-consts.js';


const UC_CPU_OFFSET = 0x180;
/** x86_reg_read_x86_64: mov 0x180(%rdi),%rax ... lea 0x8750(%rax),%r13 */
const READER_CODE = [0x48, 0x8b, 0x87, 0x80, 0x01, 0x00, 0x00, 0x85, 0xc9, 0x7e, 0x55, 0x48, 0x63, 0xc9, 0x41, 0x56,
  0x4c, 0x8d, 0x34, 0x8e, 0x41, 0x55, 0x4c, 0x8d, 0xa8, 0x50, 0x87, 0x00, 0x00];
const ENV_OFFSET = 0x8750;
/** env->regs[] (64-bit slots): EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI. */
const ORDER = [Reg.EAX, Reg.ECX, Reg.EDX, Reg.EBX, Reg.ESP, Reg.EBP, Reg.ESI, Reg.EDI];
const PROBE = [0x1badc0de, 0x2bad1dea, 0x3caffe01, 0x4deadbe1, 0x5eed5eed, 0x6eedface, 0x7abcdef3, 0x0fedcba9];

export interface RegisterAccess {
  reg(id: number): number;
  setReg(id: number, value: number): void;
}

function readerRecognised(): boolean {
  const fn = librarySymbol('libunicorn.so.2', 'x86_reg_read_x86_64');
  if (fn === null) return false;
  const code = new Uint8Array(koffi.view(fn, READER_CODE.length));
  return READER_CODE.every((b, i) => code[i] === b);
}

/** A view of the first `size` bytes of the engine's CPU state (CPUX86State), if its place is known. */
export function cpuStateView(engine: unknown, size: number): DataView | null {
  if (!readerRecognised()) return null;
  const cpu = new BigUint64Array(koffi.view(engine, UC_CPU_OFFSET + 8), UC_CPU_OFFSET, 1)[0];
  if (cpu === 0n) return null;
  const pointer = koffi.decode(Buffer.from(new BigUint64Array([cpu + BigInt(ENV_OFFSET)]).buffer), 'void *');
  return new DataView(koffi.view(pointer, size));
}

/**
 * The engine's general registers as 32-bit words (word 2*i is ORDER[i]),
 * or null. The engine must be initialised (any register access does it).
 */
export function findRegisterFile(engine: unknown, api: RegisterAccess): Uint32Array | null {
  if (!readerRecognised()) return null;
  const saved = ORDER.map((id) => api.reg(id));
  const cpu = new BigUint64Array(koffi.view(engine, UC_CPU_OFFSET + 8), UC_CPU_OFFSET, 1)[0];
  if (cpu === 0n) return null;
  const pointer = koffi.decode(Buffer.from(new BigUint64Array([cpu + BigInt(ENV_OFFSET)]).buffer), 'void *');
  const words = new Uint32Array(koffi.view(pointer, 8 * ORDER.length));
  try {
    ORDER.forEach((id, i) => api.setReg(id, PROBE[i]));
    if (!PROBE.every((p, i) => words[2 * i] === p)) return null;
    words[0] = 0x600dcafe;
    if (api.reg(Reg.EAX) !== 0x600dcafe) return null;
    return words;
  } finally {
    ORDER.forEach((id, i) => api.setReg(id, saved[i]));
  }
}
