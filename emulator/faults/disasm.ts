// Disassembling the faulting instruction for reports, with capstone-wasm.
// Its WebAssembly module is loaded only when a report needs it (about 25 ms
// and 14 MiB that a program which never faults does not pay): until
// loadDisassembler() has resolved, or if loading failed, disassemble()
// returns null and callers show the raw bytes.
import type { Capstone as CapstoneClass } from 'capstone-wasm';
import { roomForWasm } from '../memory/host-budget.js';

type CapstoneModule = typeof import('capstone-wasm');

export interface Instruction {
  /** Intel syntax, e.g. "mov dword ptr [eax], 1". */
  text: string;
  size: number;
}

let capstone: CapstoneModule | null = null;
let loading: Promise<boolean> | null = null;

/** Load capstone's WebAssembly module (once); false when it cannot be loaded. */
export function loadDisassembler(): Promise<boolean> {
  loading ??= (async () => {
    // V8 reserves about 10 GiB of address space for its memory: under a host
    // RLIMIT_AS that would leave the guest less than its whole 4 GiB, reports show raw bytes
    if (!roomForWasm()) return false;
    try {
      const mod = await import('capstone-wasm');
      await mod.loadCapstone();
      capstone = mod;
      return true;
    } catch {
      return false;
    }
  })();
  return loading;
}

/** Whether disassemble() can decode now. */
export function disassemblerLoaded(): boolean {
  return capstone !== null;
}

/** The first instruction of `code` (i386, 32-bit mode), or null if it cannot be decoded. */
export function disassemble(code: Uint8Array, address: number): Instruction | null {
  if (code.length === 0 || capstone === null) return null;
  const { Capstone, Const } = capstone;
  let cs: CapstoneClass | null = null;
  try {
    cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
    cs.setOption(Const.CS_OPT_SYNTAX, Const.CS_OPT_SYNTAX_INTEL);
    const [insn] = cs.disasm(code, { address, count: 1 });
    if (!insn) return null;
    return { text: insn.opStr ? `${insn.mnemonic} ${insn.opStr}` : insn.mnemonic, size: insn.size };
  } catch {
    // bytes that are not an instruction
    return null;
  } finally {
    try {
      cs?.close();
    } catch {
      // a handle that failed half-way has nothing to release
    }
  }
}
