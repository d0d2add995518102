// String tables (.strtab, .dynstr, .shstrtab, DT_STRTAB): names looked up by
// offset. Lookups are memoised and the decoded total is capped, so a hostile
// table (thousands of names pointing into one long run of bytes) costs time
// and memory in proportion to the file, not to its square.
import { ElfError } from './errors.js';
import { ByteReader } from './reader.js';

export class StringTable {
  private readonly names = new Map<number, string>();
  /** Offset just past the last NUL: names starting at or after it are unterminated. */
  private readonly terminated: number;
  private budget: number;

  constructor(private readonly reader: ByteReader, readonly offset: number, readonly size: number, readonly field: string) {
    reader.check(offset, size, field);
    this.terminated = reader.bytes.subarray(offset, offset + size).lastIndexOf(0) + 1;
    // Suffix sharing lets a few names overlap; four times the table is far above what linkers produce.
    this.budget = 4 * size + 65536;
  }

  /** The name at `index` (an st_name, sh_name or DT_NEEDED value); `what` names the field that held it. */
  get(index: number, what: string): string {
    const known = this.names.get(index);
    if (known !== undefined) return known;
    if (index >= this.size) {
      throw new ElfError(this.reader.file, what, `name offset ${index} outside the ${this.size}-byte string table ${this.field}`);
    }
    if (index >= this.terminated) throw new ElfError(this.reader.file, what, `unterminated name in ${this.field}`);
    const start = this.offset + index;
    const length = this.reader.bytes.subarray(start, this.offset + this.terminated).indexOf(0);
    this.budget -= length + 1;
    if (this.budget < 0) throw new ElfError(this.reader.file, what, `names in ${this.field} overlap far more than a linker makes them`);
    const name = this.reader.latin1(start, length);
    this.names.set(index, name);
    return name;
  }
}
