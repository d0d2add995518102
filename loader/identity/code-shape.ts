// A function's code reduced to what any build of the same source agrees on:
// one token per instruction, the bytes a linker writes (relocated fields)
// zeroed, and every relative branch reduced to where it goes (an instruction
// of the function, by its index, or somewhere outside). The assembler
// encodes a branch to a nearby function in the same section in two bytes
// and the same branch across sections in five (gcc -ffunction-sections, as
// dsu mkpatch builds); by tokens, both are the same code. The assembler's
// alignment padding (nop and its multi-byte forms, lea/mov of a register to
// itself) follows from those lengths, so it is no token either. Needs
// capstone's module loaded (loadCapstone()).
import crypto from 'node:crypto';
import { Capstone, Const } from 'capstone-wasm';

/** [instruction index, offset in the instruction, length]: bytes a linker writes. */
export type InstructionMask = [number, number, number];

interface Decoded {
  offset: number;
  size: number;
  mnemonic: string;
  opStr: string;
}

function decode(code: Uint8Array): Decoded[] | null {
  let cs: Capstone;
  try {
    cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  } catch {
    throw new Error('capstone is not loaded (loadCapstone())');
  }
  try {
    cs.setOption(Const.CS_OPT_SYNTAX, Const.CS_OPT_SYNTAX_INTEL);
    const out: Decoded[] = [];
    let at = 0;
    // capstone stops at bytes it cannot decode: go on one byte later, as data
    while (at < code.length) {
      const got = cs.disasm(code.subarray(at), { address: at });
      if (got.length === 0) {
        out.push({ offset: at, size: 1, mnemonic: '(bad)', opStr: '' });
        at++;
        continue;
      }
      for (const i of got) out.push({ offset: Number(i.address), size: i.size, mnemonic: i.mnemonic, opStr: i.opStr });
      const last = got[got.length - 1];
      at = Number(last.address) + last.size;
    }
    return out;
  } finally {
    cs.close();
  }
}

const RELATIVE = /^(j[a-z]+|call|loop[a-z]*)$/;

/**
 * lea esi,[esi] / lea edi,[edi] (with eiz, no displacement): gas's padding.
 * In a relocatable object a relocated lea shows a zero displacement too
 * (gcc does compute lea esi,[esi+x@GOTOFF] when esi holds the GOT pointer):
 * an instruction a relocation touches is never padding.
 */
const SELF_LEA = /^(esi|edi), (?:[a-z]+ ptr )?(?:[a-z]s:)?\[\1(?: \+ eiz(?:\*1)?)?(?: \+ 0)?\]$/;

/** An instruction that does nothing, as assemblers pad to an alignment. */
function isPadding(i: Decoded): boolean {
  if (i.mnemonic === 'nop') return true;
  if (i.mnemonic === 'xchg') return i.opStr === 'ax, ax';
  if (i.mnemonic === 'mov') return /^(esi|edi), \1$/.test(i.opStr);
  return i.mnemonic === 'lea' && SELF_LEA.test(i.opStr);
}

/**
 * The instructions that are not padding, and for every instruction's offset
 * the index of the first of them at or after it (where a branch to padding
 * lands).
 */
function significant(code: Uint8Array, relocated: readonly (readonly [number, number])[]): { insns: Decoded[]; indexAt: Map<number, number> } {
  const all = decode(code)!;
  const pad = all.map((i) => isPadding(i) && !relocated.some(([at, n]) => at < i.offset + i.size && i.offset < at + n));
  const insns = all.filter((_, k) => !pad[k]);
  const indexAt = new Map<number, number>();
  let next = insns.length;
  for (let k = all.length - 1; k >= 0; k--) {
    if (!pad[k]) next--;
    indexAt.set(all[k].offset, next);
  }
  return { insns, indexAt };
}

/** Byte ranges ([offset, length], from relocations) as ranges within instructions (padding not counted). */
export function instructionMasks(code: Uint8Array, ranges: readonly (readonly [number, number])[]): InstructionMask[] {
  const { insns } = significant(code, ranges);
  const out: InstructionMask[] = [];
  for (const [at, n] of ranges) {
    for (let k = 0; k < insns.length; k++) {
      const i = insns[k];
      const from = Math.max(at, i.offset);
      const to = Math.min(at + n, i.offset + i.size);
      if (from < to) out.push([k, from - i.offset, to - from]);
    }
  }
  return out;
}

/** The tokens of a function's code, or null when its instructions do not line up with the masks. */
function codeTokens(code: Uint8Array, masks: readonly InstructionMask[], relocated: readonly (readonly [number, number])[]): string[] | null {
  const { insns, indexAt } = significant(code, relocated);
  const byInsn = new Map<number, [number, number][]>();
  for (const [k, from, n] of masks) {
    if (k >= insns.length) return null;
    byInsn.set(k, [...(byInsn.get(k) ?? []), [from, n]]);
  }
  return insns.map((i, k) => {
    const masked = byInsn.get(k) ?? [];
    const bytes = Uint8Array.from(code.subarray(i.offset, i.offset + i.size));
    let covered = 0;
    for (const [from, n] of masked) {
      const lo = Math.min(from, bytes.length);
      const hi = Math.min(from + n, bytes.length);
      bytes.fill(0, lo, hi);
      covered += hi - lo;
    }
    // all of it is the linker's (a GOT load ld relaxed into another instruction)
    if (covered >= bytes.length) return 'linked';
    if (RELATIVE.test(i.mnemonic) && /^(0x[0-9a-f]+|\d+)$/.test(i.opStr)) {
      const target = Number(i.opStr);
      const inside = masked.length === 0 && target >= 0 && target < code.length ? indexAt.get(target) : undefined;
      return `${i.mnemonic}>${inside ?? 'out'}`;
    }
    return Buffer.from(bytes).toString('hex');
  });
}

/**
 * sha-256 (hex, 32 digits) of the code's tokens; null when the code does not
 * line up with the masks. `relocated`: for code not yet linked (an object's),
 * the byte ranges its relocations will write, as given to instructionMasks.
 */
export function codeShapeHash(code: Uint8Array, masks: readonly InstructionMask[], relocated: readonly (readonly [number, number])[] = []): string | null {
  const tokens = codeTokens(code, masks, relocated);
  return tokens === null ? null : crypto.createHash('sha256').update(tokens.join(';')).digest('hex').slice(0, 32);
}
