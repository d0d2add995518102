// The running program's file (--program) as the generator needs it: which
// functions and variables it has (statics by their source file), their
// bytes, and its build ID. Unchanged code is bound to what is here; what is
// not here (inlined everywhere, dropped) is copied into the patch.
import fs from 'node:fs';
import path from 'node:path';
import { parseElf, ElfFile, fileRangeOf } from '../loader/elf/elf-file.js';
import { ElfError } from '../loader/elf/errors.js';
import { staticSymbols } from '../loader/elf/symbols.js';
import { buildId } from '../loader/elf/notes.js';
import { ET_DYN, ET_EXEC, SHN_UNDEF, STB_LOCAL, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT } from '../loader/elf/constants.js';
import { FILE_LIMITS, FileReadError, readRegularFile } from '../loader/files/regular-file.js';

export class ProgramError extends Error {}

export interface ProgramDefinition {
  name: string;
  local: boolean;
  /** Source file of a static, as the symbol table names it. */
  file: string | null;
  address: number;
  size: number;
  function: boolean;
}

export class ProgramFile {
  private readonly globals = new Map<string, ProgramDefinition>();
  private readonly locals = new Map<string, ProgramDefinition[]>();
  /** Every STT_FILE name of the program. */
  readonly files = new Set<string>();

  private constructor(readonly path: string, readonly elf: ElfFile, readonly buildId: string | null) {
    for (const s of staticSymbols(elf)) {
      if (s.type === 4 /* STT_FILE */) this.files.add(s.name);
      if (s.shndx === SHN_UNDEF || s.name === '' || (s.type !== STT_FUNC && s.type !== STT_OBJECT && s.type !== STT_GNU_IFUNC)) continue;
      const def: ProgramDefinition = {
        name: s.name, local: s.bind === STB_LOCAL, file: s.file, address: s.value, size: s.size, function: s.type !== STT_OBJECT,
      };
      if (def.local) this.locals.set(s.name, [...(this.locals.get(s.name) ?? []), def]);
      else if (!this.globals.has(s.name)) this.globals.set(s.name, def);
    }
  }

  static open(file: string): ProgramFile {
    let bytes: Uint8Array;
    try {
      bytes = readRegularFile(file, FILE_LIMITS.program);
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      throw new ProgramError(`${file}: cannot read the program: ${e.code === 'ENOENT' ? 'no such file' : e.reason}`);
    }
    let elf: ElfFile;
    try {
      elf = parseElf(bytes, file);
    } catch (e) {
      if (e instanceof ElfError) throw new ProgramError(e.message);
      throw e;
    }
    if ((elf.type !== ET_EXEC && elf.type !== ET_DYN) || (elf.type === ET_DYN && elf.interpreter === null && elf.entry === 0)) {
      throw new ProgramError(`${file}: not a program`);
    }
    const p = new ProgramFile(file, elf, buildId(elf));
    if (p.globals.size === 0 && p.locals.size === 0) throw new ProgramError(`${file}: the program is stripped (no symbol table): dsu mkpatch binds the patch to its symbols`);
    return p;
  }

  get name(): string {
    return path.basename(this.path);
  }

  global(name: string): ProgramDefinition | null {
    return this.globals.get(name) ?? null;
  }

  /** The static `name` of the unit whose source file the program names `file` (exactly or by its last component). */
  local(file: string, name: string): ProgramDefinition | null {
    const all = this.locals.get(name) ?? [];
    const exact = all.filter((d) => d.file === file);
    if (exact.length === 1) return exact[0];
    const same = all.filter((d) => d.file !== null && path.posix.basename(d.file) === path.posix.basename(file));
    return same.length === 1 ? same[0] : null;
  }

  /** How a unit's statics are named for dsu.old.FILE:NAME: the base name when only one file of the program has it. */
  fileReference(fileName: string): string {
    const base = path.posix.basename(fileName);
    const sameBase = [...this.files].filter((f) => path.posix.basename(f) === base);
    if (sameBase.length <= 1) return base;
    return sameBase.includes(fileName) ? fileName : base;
  }

  /** The bytes of a definition in the file, or null when they are not in a loaded segment (bss). */
  bytes(def: ProgramDefinition): Uint8Array | null {
    const at = fileRangeOf(this.elf, def.address, def.size);
    return at === null ? null : this.elf.reader.bytes.subarray(at, at + def.size);
  }
}
