// Pass 8, "link": the unit objects and the patch's metadata linked into a
// shared object with the system's gcc (which also brings in libgcc's helpers
// the new code calls), then the GOTOFF fields emit-unit.ts had to write as
// R_386_32 are given their real type back in the dynamic relocation table,
// so dsu's linker computes S + A - GOT for them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseElf } from '../../loader/elf/elf-file.js';
import { staticSymbols } from '../../loader/elf/symbols.js';
import { R_386_32, R_386_GOTOFF, SHT_REL } from '../../loader/elf/constants.js';
import { GOTOFF_MARKER } from './emit-unit.js';

export class PatchLinkError extends Error {}

export interface LinkInput {
  objects: string[];
  output: string;
  /** How many GOTOFF markers the objects hold. */
  markers: number;
}

/** ld's notes about text relocations, which a patch has by design. */
const EXPECTED_NOISE = /(creating DT_TEXTREL|relocation against .* in read-only section|missing \.note\.GNU-stack)/;

export function linkPatch(input: LinkInput): void {
  const args = ['-m32', '-shared', '-nostartfiles', '-Wl,-z,notext', '-Wl,--build-id', '-o', input.output, ...input.objects];
  const r = spawnSync('gcc', args, { encoding: 'utf8' });
  if (r.error) throw new PatchLinkError(`cannot run gcc to link the patch: ${r.error.message}`);
  const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '' && !EXPECTED_NOISE.test(l));
  if (r.status !== 0) throw new PatchLinkError(`linking the patch failed: ${errors.slice(0, 3).join(' | ') || `gcc exited with status ${r.status}`}`);
  restoreGotoff(input.output, input.markers);
}

/** R_386_32 at each marker's address back to R_386_GOTOFF. */
function restoreGotoff(file: string, expected: number): void {
  if (expected === 0) return;
  const bytes = fs.readFileSync(file);
  const elf = parseElf(bytes, file);
  const sites = new Set(staticSymbols(elf).filter((s) => s.name.startsWith(GOTOFF_MARKER)).map((s) => s.value));
  if (sites.size !== expected) throw new PatchLinkError(`${path.basename(file)}: ${expected} GOTOFF references to the program, ${sites.size} found after linking`);
  let restored = 0;
  for (const s of elf.sections.filter((x) => x.type === SHT_REL && (x.flags & 2) !== 0)) {
    for (let at = s.offset; at + 8 <= s.offset + s.size; at += 8) {
      const offset = bytes.readUInt32LE(at);
      const info = bytes.readUInt32LE(at + 4);
      if ((info & 0xff) !== R_386_32 || !sites.has(offset)) continue;
      bytes.writeUInt32LE(((info & ~0xff) | R_386_GOTOFF) >>> 0, at + 4);
      restored++;
    }
  }
  if (restored !== expected) throw new PatchLinkError(`${path.basename(file)}: ${restored} of ${expected} GOTOFF references found in the dynamic relocations`);
  fs.writeFileSync(file, bytes);
}
