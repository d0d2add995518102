// A patch as a file: its functions and data (with the source file of each
// static), whether it has a state transfer or a rollback routine, and the
// metadata dsu.h lets its author declare (target program, dependencies).
import { parseElf, ElfFile } from '../loader/elf/elf-file.js';
import { ElfError } from '../loader/elf/errors.js';
import { staticSymbols, dynamicSymbols, ElfSymbol } from '../loader/elf/symbols.js';
import { buildId } from '../loader/elf/notes.js';
import { IdentityError, PatchIdentity, readIdentity } from '../loader/identity/patch-identity.js';
import {
  ET_DYN, PT_GNU_RELRO, SHN_UNDEF, SHN_ABS, STB_LOCAL, STT_FUNC, STT_OBJECT, STT_GNU_IFUNC,
} from '../loader/elf/constants.js';

export class PatchError extends Error {}

const SHF_WRITE = 1;

export interface PatchSymbol {
  name: string;
  /** Link-time address in the patch (add the patch's bias once linked). */
  value: number;
  size: number;
  local: boolean;
  /** Source file of a static (from STT_FILE), else null. */
  file: string | null;
  /** Lives in a writable section (.data, .bss): state, not a constant. */
  writable: boolean;
}

export interface PatchFile {
  path: string;
  bytes: Uint8Array;
  elf: ElfFile;
  buildId: string | null;
  functions: PatchSymbol[];
  data: PatchSymbol[];
  hasTransfer: boolean;
  hasRollback: boolean;
  depends: string[];
  target: string | null;
  /** The version the program becomes (DSU_VERSION), or null. */
  version: string | null;
  /** What a generated patch (dsu mkpatch) was made for, or null for a patch built by hand. */
  identity: PatchIdentity | null;
}

/** Names dsu itself gives meaning to: never treated as replacements. */
export const RESERVED = new Set(['dsu_transfer', 'dsu_rollback', 'dsu_update_point', '_init', '_fini']);

function sectionStrings(elf: ElfFile, name: string): string[] {
  const s = elf.sections.find((sec) => sec.name === name);
  if (!s || s.size === 0) return [];
  const raw = Buffer.from(elf.reader.slice(s.offset, s.size, name)).toString('utf8');
  return raw.split('\0').filter((x) => x.length > 0);
}

/** Symbols the linker provides to every object: never state of the program. */
const LINKER_PROVIDED = new Set(['_DYNAMIC', '_GLOBAL_OFFSET_TABLE_', '__dso_handle', '__TMC_END__', '__FRAME_END__', '__GNU_EH_FRAME_HDR']);

/** GCC's local labels, thunks and the start-up code gcc links into every object (crtstuff.c's frame_dummy, completed.0, ...). */
function compilerInternal(name: string, file: string | null): boolean {
  if (file !== null && /(^|\/)crt[a-zA-Z]*\.[cS]$/.test(file)) return true;
  return name.startsWith('.') || name.startsWith('__x86.get_pc_thunk') || LINKER_PROVIDED.has(name) ||
    name === 'deregister_tm_clones' || name === 'register_tm_clones' || name === '__do_global_dtors_aux' || name === 'frame_dummy';
}

export function readPatch(bytes: Uint8Array, path: string): PatchFile {
  let elf: ElfFile;
  try {
    elf = parseElf(bytes, path);
  } catch (e) {
    if (e instanceof ElfError) throw new PatchError(e.message);
    throw e;
  }
  if (elf.type !== ET_DYN || elf.interpreter !== null) {
    throw new PatchError(`${path}: not a shared object (build patches with gcc -m32 -fPIC -shared)`);
  }
  let syms: ElfSymbol[] = staticSymbols(elf);
  if (syms.length === 0) syms = dynamicSymbols(elf);
  // constants with relocations (.data.rel.ro) are writable only until relocated
  const relro = elf.segments.filter((g) => g.type === PT_GNU_RELRO);
  const isConstant = (value: number): boolean => relro.some((g) => value >= g.vaddr && value < g.vaddr + g.memsz);
  const functions: PatchSymbol[] = [];
  const data: PatchSymbol[] = [];
  for (const s of syms) {
    if (s.name === '' || s.shndx === SHN_UNDEF || s.shndx === SHN_ABS || compilerInternal(s.name, s.file)) continue;
    const section = elf.sections[s.shndx];
    const writable = section !== undefined && (section.flags & SHF_WRITE) !== 0 && !isConstant(s.value);
    const entry: PatchSymbol = { name: s.name, value: s.value, size: s.size, local: s.bind === STB_LOCAL, file: s.file, writable };
    if (s.type === STT_FUNC || s.type === STT_GNU_IFUNC) functions.push(entry);
    else if (s.type === STT_OBJECT) data.push(entry);
  }
  const defined = (name: string) => functions.some((f) => f.name === name && !f.local);
  const targets = sectionStrings(elf, '.dsu.target');
  let identity: PatchIdentity | null;
  try {
    identity = readIdentity(elf);
  } catch (e) {
    if (e instanceof IdentityError) throw new PatchError(e.message);
    throw e;
  }
  return {
    path, bytes, elf, buildId: buildId(elf), functions, data,
    hasTransfer: defined('dsu_transfer'),
    hasRollback: defined('dsu_rollback'),
    depends: sectionStrings(elf, '.dsu.depends'),
    target: targets[0] ?? null,
    version: sectionStrings(elf, '.dsu.version')[0] ?? null,
    identity,
  };
}
