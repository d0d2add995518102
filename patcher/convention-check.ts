// A replaced function must take its arguments the way the program's callers
// pass them. gcc decides per function (a static whose address is never taken
// gets arguments in registers at -O1 and up), so the program's version and
// the patch's can disagree even when the source is the same: the patch's
// copy may be marked used, address-taken, or called from nowhere else.
import type { ElfFile } from '../loader/elf/elf-file.js';
import { fileRangeOf } from '../loader/elf/elf-file.js';
import { argumentConvention, CodeReader, Convention } from './calling-convention.js';
import type { Replacement } from './replacement.js';

function fileReader(elf: ElfFile): CodeReader {
  return (address, length) => {
    const at = fileRangeOf(elf, address, length);
    return at === null ? null : elf.reader.bytes.subarray(at, at + length);
  };
}

function conventionOf(elf: ElfFile, start: number, size: number): Convention {
  const read = fileReader(elf);
  const code = read(start, size);
  return code === null ? 'unknown' : argumentConvention(code, start, read);
}

/** The program's side does not change between patches: each function is read once. */
const programConventions = new WeakMap<ElfFile, Map<number, Convention>>();

function programConventionOf(elf: ElfFile, start: number, size: number): Convention {
  let known = programConventions.get(elf);
  if (!known) programConventions.set(elf, (known = new Map()));
  let c = known.get(start);
  if (c === undefined) known.set(start, (c = conventionOf(elf, start, size)));
  return c;
}

const how: Record<Convention, string> = {
  registers: 'in registers (gcc\'s own convention for a static function whose address is never taken)',
  stack: 'on the stack',
  unknown: '',
};

/** One problem per replaced function whose new version takes its arguments another way than the old. */
export function conventionMismatches(patchElf: ElfFile, replacements: readonly Replacement[]): string[] {
  const problems: string[] = [];
  for (const r of replacements) {
    // only a static can get gcc's register convention; a global (and so the patch's
    // exported version of it) always takes its arguments on the stack
    if (!r.entry || r.original.symbol.bind !== 'local') continue;
    const old = programConventionOf(r.original.module.data.elf, r.original.symbol.start, r.original.symbol.size);
    if (old === 'unknown') continue;
    const now = conventionOf(patchElf, r.patchValue, r.patchSize);
    if (now === 'unknown' || now === old) continue;
    const fix = now === 'stack'
      ? 'let gcc compile it the same way: keep it static and called from the patch\'s own code, not __attribute__((used)) or address-taken, or declare it __attribute__((regparm(3)))'
      : 'make the patch\'s version take them on the stack too, e.g. with __attribute__((used)) or by taking its address';
    problems.push(`${r.key}: the program's version takes its arguments ${how[old]}, the patch's ${how[now]}; ` +
      `the program's callers would pass wrong arguments (${fix})`);
  }
  return problems;
}
