// Disassembling the faulting instruction for reports, with capstone-wasm.
// Its WebAssembly module must be loaded (loadDisassembler) before use; until
// then, or if loading failed, disassemble() returns null and callers show
// the raw bytes.
import { Capstone, Const, loadCapstone } from 'capstone-wasm';

export interface Instruction {
  /** Intel syntax, e.g. "mov dword ptr [eax], 1". */
  text: string;
  size: number;
}

/** Load capstone's WebAssembly module; false when it cannot be loaded. */
export async function loadDisassembler(): Promise<boolean> {
  try {
    await loadCapstone();
    return true;
  } catch {
    return false;
  }
}

/** The first instruction of `code` (i386, 32-bit mode), or null if it cannot be decoded. */
export function disassemble(code: Uint8Array, address: number): Instruction | null {
  if (code.length === 0) return null;
  let cs: Capstone | null = null;
  try {
    cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
    cs.setOption(Const.CS_OPT_SYNTAX, Const.CS_OPT_SYNTAX_INTEL);
    const [insn] = cs.disasm(code, { address, count: 1 });
    if (!insn) return null;
    return { text: insn.opStr ? `${insn.mnemonic} ${insn.opStr}` : insn.mnemonic, size: insn.size };
  } catch {
    // not loaded yet, or bytes that are not an instruction
    return null;
  } finally {
    try {
      cs?.close();
    } catch {
      // a handle that failed half-way has nothing to release
    }
  }
}
