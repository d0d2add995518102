// The debug information of one file (an executable, a library, a patch, a
// separate debug file or a .dwo): its units, read lazily, one at a time.
import { Cursor } from './cursor.js';
import { AbbrevTable, readAbbrevTable } from './abbrev.js';
import { AT, UT } from './constants.js';
import { Die, attribute, str } from './die.js';
import { DwarfError } from './errors.js';
import type { DebugSections } from './sections.js';
import { readUnitHeaders, Unit, UnitHeader, UnitHost } from './unit.js';

/** Finds a split unit's .dwo (named by DW_AT_dwo_name, relative to DW_AT_comp_dir); null when not found. */
export type DwoLoader = (dwoName: string, compDir: string | undefined, dwoId: bigint | undefined) => DebugSections | null;

export interface InfoOptions {
  dwo?: DwoLoader;
}

export class DwarfInfo implements UnitHost {
  readonly headers: UnitHeader[];
  private readonly units: (Unit | undefined)[];
  private readonly abbrevTables = new Map<number, AbbrevTable>();
  /** Split units, by the index of their skeleton. */
  private readonly splits = new Map<number, Unit | null>();
  /** Skeletons whose .dwo could not be found: name of the .dwo. */
  readonly missingDwo: string[] = [];

  constructor(readonly sections: DebugSections, private readonly options: InfoOptions = {}, readonly skeleton?: UnitHost['skeleton']) {
    const info = sections.get('.debug_info');
    this.headers = info ? readUnitHeaders(info, sections.file, sections.dwo ? '.debug_info.dwo' : '.debug_info') : [];
    this.units = new Array(this.headers.length);
  }

  get file(): string {
    return this.sections.file;
  }

  get hasInfo(): boolean {
    return this.headers.length > 0;
  }

  abbrevs(offset: number): AbbrevTable {
    let t = this.abbrevTables.get(offset);
    if (!t) {
      const bytes = this.sections.get('.debug_abbrev');
      if (!bytes) throw new DwarfError(this.file, '.debug_abbrev', -1, 'missing, but .debug_info needs it');
      t = readAbbrevTable(new Cursor(bytes, this.file, '.debug_abbrev', offset));
      this.abbrevTables.set(offset, t);
    }
    return t;
  }

  unit(index: number): Unit {
    let u = this.units[index];
    if (!u) this.units[index] = u = new Unit(this.headers[index], this, index);
    return u;
  }

  /** Every unit, read on demand. */
  *allUnits(): IterableIterator<Unit> {
    for (let i = 0; i < this.headers.length; i++) yield this.unit(i);
  }

  /**
   * The units that describe code, each as its full unit: a skeleton is
   * replaced by its split unit from the .dwo when that can be found.
   */
  *compileUnits(): IterableIterator<Unit> {
    for (let i = 0; i < this.headers.length; i++) {
      const h = this.headers[i];
      if (h.unitType === UT.type || h.unitType === UT.split_type) continue;
      const u = this.unit(i);
      if (!u.isCompileUnit) continue;
      const split = this.split(i, u);
      if (split) yield split;
      else if (split === undefined) yield u;
    }
  }

  /** The split unit of a skeleton: undefined when `u` is not a skeleton, null when its .dwo is missing. */
  private split(index: number, u: Unit): Unit | null | undefined {
    const dwoName = str(u.root, AT.dwo_name) ?? str(u.root, AT.GNU_dwo_name);
    if (dwoName === undefined) return undefined;
    if (this.splits.has(index)) return this.splits.get(index)!;
    let found: Unit | null = null;
    const sections = this.options.dwo?.(dwoName, str(u.root, AT.comp_dir), u.header.dwoId ?? dwoIdAttr(u.root));
    if (sections) {
      const dwo = new DwarfInfo(sections, {}, { addrBase: u.addrBase, addr: this.sections.get('.debug_addr'), lowPc: u.lowPc, unit: u });
      const want = u.header.dwoId ?? dwoIdAttr(u.root);
      for (const candidate of dwo.allUnits()) {
        const id = candidate.header.dwoId ?? dwoIdAttr(candidate.root);
        if (candidate.isCompileUnit && (want === undefined || id === want)) {
          found = candidate;
          break;
        }
      }
    }
    if (!found) this.missingDwo.push(dwoName);
    this.splits.set(index, found);
    return found;
  }

  /** The unit holding a .debug_info offset (binary search over the headers). */
  unitAt(offset: number): Unit | undefined {
    let lo = 0;
    let hi = this.headers.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const h = this.headers[mid];
      if (offset < h.offset) hi = mid - 1;
      else if (offset >= h.end) lo = mid + 1;
      else return this.unit(mid);
    }
    return undefined;
  }

  dieAt(offset: number): Die | undefined {
    return this.unitAt(offset)?.dieAt(offset);
  }

  private readonly stringCache = { '.debug_str': new Map<number, string>(), '.debug_line_str': new Map<number, string>() };

  strings(section: '.debug_str' | '.debug_line_str', offset: number): string | undefined {
    const cache = this.stringCache[section];
    let s = cache.get(offset);
    if (s !== undefined) return s;
    const bytes = this.sections.get(section);
    if (!bytes || offset >= bytes.length) return undefined;
    const stop = bytes.indexOf(0, offset);
    if (stop < 0) return undefined;
    s = Buffer.from(bytes.buffer, bytes.byteOffset + offset, stop - offset).toString('utf8');
    cache.set(offset, s);
    return s;
  }
}

function dwoIdAttr(root: Die): bigint | undefined {
  const v = attribute(root, AT.GNU_dwo_id)?.value;
  return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : undefined;
}


