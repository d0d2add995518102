// Fields of the engine's CPU state (QEMU's CPUX86State) that Unicorn's API
// does not reach, read and written in place:
//
// - hflags: its low two bits are the current privilege level. Unicorn opens
//   an engine at CPL 0 and no register write lowers it (loading SS with a
//   user selector is refused while CPL is 0), so the machine sets CPL 3 here
//   once, then loads the user selectors through the API, which checks them.
// - error_code, exception_is_int: what the last exception pushed (a page
//   fault's user/write/present/fetch bits, a #GP's selector) and whether it
//   came from an `int` instruction (int3, into, int $N) rather than from the
//   CPU; the interrupt hook gets neither.
// - features: the CPUID feature words, which are also what the translator
//   checks before accepting an instruction (popcnt, BMI, SSE4...).
// - xcr0: the enabled XSAVE components (xsetbv is a kernel instruction).
//
// The offsets are those of Debian 12's libunicorn2 2.0.1.post1. They are used
// only after the library's own machine code that accesses them has been
// compared byte for byte (cpu_x86_update_cr4 for hflags and features,
// raise_interrupt2 for the exception fields, helper_xgetbv for xcr0); on any
// other build `cpuStateFields` returns null and the caller keeps what the API
// gives.
import koffi from 'koffi';
import type { Cpu } from './cpu.js';
import { hexAt, unicornSymbol } from './native-code.js';

const HFLAGS = 0xb0;
const ERROR_CODE = 0x14e8;
const EXCEPTION_IS_INT = 0x14ec;
const EXCEPTION_NEXT_EIP = 0x14f0;
const FEATURES = 0x15e0;
const XCR0 = 0x1308;
const STATE_SIZE = 0x1b00;

/** cpu_x86_update_cr4: ... mov 0xb0(%rbx),%eax; and $0xff3fffff,%eax; testb $0x2,0x15e3(%rbx) */
const UPDATE_CR4_AT = 0x20;
const UPDATE_CR4_BYTES = '8b83b0000000' + '25ffff3fff' + 'f683e315000002';
/** raise_interrupt2 (called by raise_exception_err): stores of error_code, exception_is_int, exception_next_eip. */
const RAISE_STORES_AT = 0xac;
const RAISE_STORES_BYTES = '4489abe8140000' + '4489bbec140000' + '4889abf0140000';
/** helper_xgetbv: for ECX = 0 it returns env->xcr0 (mov 0x1308(%rdi),%rax). */
const XGETBV_AT = 0x40;
const XGETBV_BYTES = '488b8708130000';

/** The CPUID words of QEMU's FeatureWord enum, in order (8 bytes each). */
export enum FeatureWord {
  Leaf1Edx = 0,
  Leaf1Ecx = 1,
  Leaf7Ebx = 2,
  Leaf7Ecx = 3,
  Leaf7Edx = 4,
  Leaf7Sub1Eax = 5,
  Ext1Edx = 6,
  Ext1Ecx = 7,
}
/** FEAT_XSAVE_COMP_LO: the XSAVE components CPUID leaf 0xD reports. */
const XSAVE_COMPONENTS_WORD = 21;

let verified: boolean | undefined;

function relativeCallTarget(at: number): number {
  const rel = new DataView(koffi.view(BigInt(at + 1), 4) as ArrayBuffer).getInt32(0, true);
  return at + 5 + rel;
}

function layoutRecognised(): boolean {
  if (verified !== undefined) return verified;
  verified = false;
  const cr4 = unicornSymbol('cpu_x86_update_cr4_x86_64');
  const raiseErr = unicornSymbol('raise_exception_err_x86_64');
  const xgetbv = unicornSymbol('helper_xgetbv_x86_64');
  if (cr4 === null || raiseErr === null || xgetbv === null) return false;
  if (hexAt(cr4 + UPDATE_CR4_AT, UPDATE_CR4_BYTES.length / 2) !== UPDATE_CR4_BYTES) return false;
  // raise_exception_err: mov %edx,%ecx; sub $8,%rsp; xor r9d; xor r8d; xor edx; call raise_interrupt2
  if (hexAt(raiseErr, 15) !== '89d14883ec084531c94531c031d2e8') return false;
  const raise2 = relativeCallTarget(raiseErr + 14);
  if (hexAt(raise2 + RAISE_STORES_AT, RAISE_STORES_BYTES.length / 2) !== RAISE_STORES_BYTES) return false;
  if (hexAt(xgetbv + XGETBV_AT, XGETBV_BYTES.length / 2) !== XGETBV_BYTES) return false;
  verified = true;
  return true;
}

/** What the last exception left behind, read right after the interrupt hook fired. */
export interface ExceptionDetails {
  /** The hardware error code (page fault bits, a faulting selector). */
  errorCode: number;
  /** Raised by an int/int3/into instruction: EIP is already past it. */
  software: boolean;
  /** Address of the instruction after a software interrupt. */
  nextEip: number;
}

export class CpuStateFields {
  constructor(private readonly view: DataView) {}

  get privilegeLevel(): number {
    return this.view.getUint32(HFLAGS, true) & 3;
  }

  set privilegeLevel(cpl: number) {
    const h = this.view.getUint32(HFLAGS, true);
    this.view.setUint32(HFLAGS, ((h & ~3) | (cpl & 3)) >>> 0, true);
  }

  exception(): ExceptionDetails {
    return {
      errorCode: this.view.getInt32(ERROR_CODE, true) >>> 0,
      software: this.view.getInt32(EXCEPTION_IS_INT, true) !== 0,
      nextEip: this.view.getUint32(EXCEPTION_NEXT_EIP, true),
    };
  }

  feature(word: FeatureWord): number {
    return this.view.getUint32(FEATURES + 8 * word, true);
  }

  setFeature(word: FeatureWord, value: number): void {
    this.view.setUint32(FEATURES + 8 * word, value >>> 0, true);
    this.view.setUint32(FEATURES + 8 * word + 4, 0, true);
  }

  /** The XSAVE components CPUID leaf 0xD describes, and those XCR0 enables. */
  setXsaveComponents(supported: number, enabled: number): void {
    this.view.setUint32(FEATURES + 8 * XSAVE_COMPONENTS_WORD, supported >>> 0, true);
    this.view.setUint32(FEATURES + 8 * XSAVE_COMPONENTS_WORD + 4, 0, true);
    this.view.setUint32(XCR0, enabled >>> 0, true);
    this.view.setUint32(XCR0 + 4, 0, true);
  }
}

/** The hidden fields of this engine's CPU, or null on a Unicorn build we do not know. */
export function cpuStateFields(cpu: Cpu): CpuStateFields | null {
  if (!layoutRecognised()) return null;
  const view = cpu.stateView(STATE_SIZE);
  return view ? new CpuStateFields(view) : null;
}
