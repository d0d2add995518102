// What a generated patch applies to (`dsu mkpatch` writes it, `dsu patch`
// checks it): the program's name and build ID, and every function the patch
// relies on (those it replaces and those it calls) with a hash of its code
// (code-shape.ts: bytes a linker writes masked out, branches by where they
// go), so the same function hashes the same in the program it was built
// into, in a patch that carries it, and in its relocatable object.
// The record is JSON in the patch's `.dsu.identity` section.
import type { ElfFile } from '../elf/elf-file.js';
import type { InstructionMask } from './code-shape.js';

export const IDENTITY_SECTION = '.dsu.identity';

export interface FunctionIdentity {
  name: string;
  /** Source file of a static (as the program's symbol table names it, or its last component), else null. */
  file: string | null;
  size: number;
  /** codeShapeHash of its code */
  hash: string;
  /** What a linker writes, masked out of the hash (by instruction). */
  mask: InstructionMask[];
}

export interface VariableIdentity {
  name: string;
  file: string | null;
  size: number;
}

export interface PatchIdentity {
  format: 1;
  /** The program the patch was made for (its file's base name). */
  program: string;
  buildId: string | null;
  functions: FunctionIdentity[];
  variables: VariableIdentity[];
}

export class IdentityError extends Error {}

/** The identity record of a patch, or null when it has none (a patch built by hand). */
export function readIdentity(elf: ElfFile): PatchIdentity | null {
  const s = elf.sections.find((x) => x.name === IDENTITY_SECTION);
  if (!s || s.size === 0) return null;
  const text = Buffer.from(elf.reader.slice(s.offset, s.size, IDENTITY_SECTION)).toString('utf8').replace(/\0+$/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new IdentityError(`${elf.path}: ${IDENTITY_SECTION} is not valid JSON`);
  }
  const p = parsed as PatchIdentity;
  const ok = typeof p === 'object' && p !== null && p.format === 1 && typeof p.program === 'string' && Array.isArray(p.functions) && Array.isArray(p.variables) &&
    p.functions.every((f) => typeof f.name === 'string' && typeof f.size === 'number' && typeof f.hash === 'string' && Array.isArray(f.mask)) &&
    p.variables.every((v) => typeof v.name === 'string' && typeof v.size === 'number');
  if (!ok) throw new IdentityError(`${elf.path}: ${IDENTITY_SECTION} is malformed`);
  return p;
}
