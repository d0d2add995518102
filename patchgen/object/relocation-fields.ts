// What each i386 relocation type writes: the size of its field, and which
// bytes a static linker may change around it (ld relaxes `mov x@GOT(%ebx)`
// into `lea x@GOTOFF(%ebx)` by rewriting the opcode byte before the field,
// and rewrites whole TLS access sequences). Comparing a function of a
// relocatable object with the same function in a linked program must ignore
// exactly those bytes.
import {
  R_386_32, R_386_GOT32, R_386_GOT32X, R_386_GOTOFF, R_386_GOTPC, R_386_NONE, R_386_PC32, R_386_PLT32,
} from '../../loader/elf/constants.js';

const R_386_16 = 20;
const R_386_PC16 = 21;
const R_386_8 = 22;
const R_386_PC8 = 23;
/** TLS types of GNU's i386 model (gd/ldm/ie/le and descriptors). */
const TLS = new Set([14, 15, 16, 17, 18, 19, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 39, 40, 41]);
const R_386_TLS_DESC_CALL = 40;

/** Size in bytes of the field the relocation writes, or null for a type the generator does not know. */
export function fieldSize(type: number): number | null {
  if (type === R_386_NONE || type === R_386_TLS_DESC_CALL) return 0;
  if ([R_386_32, R_386_PC32, R_386_GOT32, R_386_PLT32, R_386_GOTOFF, R_386_GOTPC, R_386_GOT32X].includes(type) || TLS.has(type)) return 4;
  if (type === R_386_16 || type === R_386_PC16) return 2;
  if (type === R_386_8 || type === R_386_PC8) return 1;
  return null;
}

export const isTls = (type: number): boolean => TLS.has(type);

/**
 * The byte range [from, to) relative to the field that linking may change:
 * the field itself, the two opcode/ModRM bytes before a GOT load that ld may
 * relax, and for TLS the whole access sequence (up to 8 bytes either side).
 */
export function linkerWrittenRange(type: number): { before: number; after: number } {
  const size = fieldSize(type) ?? 4;
  if (TLS.has(type)) return { before: 8, after: Math.max(size, 8) };
  if (type === R_386_GOT32X || type === R_386_GOT32) return { before: 2, after: size };
  return { before: 0, after: size };
}
