// Bounds-checked reading of one DWARF section (or a slice of it): every read
// checks the end first, so a corrupt length or offset is a DwarfError.
import { DwarfError } from './errors.js';

export class Cursor {
  private readonly view: DataView;
  pos: number;
  readonly end: number;

  constructor(readonly bytes: Uint8Array, readonly file: string, readonly section: string, start = 0, end = bytes.length) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (start < 0 || start > bytes.length || end > bytes.length || end < start) {
      throw new DwarfError(file, section, start, `range [0x${start.toString(16)}, 0x${end.toString(16)}) outside the section of ${bytes.length} bytes`);
    }
    this.pos = start;
    this.end = end;
  }

  /** A cursor over [start, end) of the same section. */
  sub(start: number, end: number): Cursor {
    return new Cursor(this.bytes, this.file, this.section, start, end);
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(detail: string, at = this.pos): never {
    throw new DwarfError(this.file, this.section, at, detail);
  }

  need(n: number): void {
    if (!(n >= 0) || this.pos + n > this.end) this.fail(`truncated (needs ${n} more bytes, ${Math.max(0, this.end - this.pos)} left)`);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.bytes[this.pos] | (this.bytes[this.pos + 1] << 8) | (this.bytes[this.pos + 2] << 16);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A 64-bit value: a number when it is exact, else a bigint. */
  u64(): number | bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  i64(): number | bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }

  /** An unsigned LEB128: a number when exact, else a bigint; more than 10 bytes is corrupt. */
  uleb(): number | bigint {
    let result = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      const b = this.u8();
      if (shift < 49) {
        result += (b & 0x7f) * 2 ** shift;
      } else if (b & 0x7f) {
        return this.ulebBig(result, shift, b);
      }
      shift += 7;
      if ((b & 0x80) === 0) return result;
      if (i >= 9) this.fail('LEB128 value longer than 10 bytes');
    }
  }

  private ulebBig(low: number, shift: number, first: number): bigint {
    let result = BigInt(low) + (BigInt(first & 0x7f) << BigInt(shift));
    let b = first;
    while (b & 0x80) {
      shift += 7;
      if (shift > 63) this.fail('LEB128 value longer than 10 bytes');
      b = this.u8();
      result += BigInt(b & 0x7f) << BigInt(shift);
    }
    return BigInt.asUintN(64, result);
  }

  /** An unsigned LEB128 that must be a size, index or offset (a safe number). */
  index(what: string): number {
    const at = this.pos;
    const v = this.uleb();
    if (typeof v !== 'number') this.fail(`${what} ${v} out of range`, at);
    return v;
  }

  sleb(): number | bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    let i = 0;
    do {
      b = this.u8();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (++i > 10) this.fail('LEB128 value longer than 10 bytes');
    } while (b & 0x80);
    if (shift < 64n && (b & 0x40)) result -= 1n << shift;
    result = BigInt.asIntN(64, result);
    return result <= BigInt(Number.MAX_SAFE_INTEGER) && result >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(result) : result;
  }

  cstring(): string {
    const start = this.pos;
    const stop = this.bytes.subarray(start, this.end).indexOf(0);
    if (stop < 0) this.fail('unterminated string');
    this.pos = start + stop + 1;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, stop).toString('utf8');
  }

  block(length: number): Uint8Array {
    this.need(length);
    const b = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return b;
  }

  /** A section offset of the unit's format: 4 bytes in 32-bit DWARF, 8 in 64-bit. */
  offset(size: 4 | 8): number {
    if (size === 4) return this.u32();
    const at = this.pos;
    const v = this.u64();
    if (typeof v !== 'number') this.fail('64-bit offset out of range', at);
    return v;
  }

  /** An address of `size` bytes (4 on i386; 8 accepted when it fits). */
  address(size: number): number {
    switch (size) {
      case 4: return this.u32();
      case 2: return this.u16();
      case 8: {
        const at = this.pos;
        const v = this.u64();
        if (typeof v !== 'number') this.fail('64-bit address out of range', at);
        return v;
      }
      default: return this.fail(`address size ${size}`);
    }
  }

  /**
   * An initial length: 32-bit DWARF, or 0xffffffff then a 64-bit length.
   * Returns the length, the offset size, and checks it fits the cursor.
   */
  initialLength(): { length: number; offsetSize: 4 | 8; end: number } {
    const at = this.pos;
    let length = this.u32();
    let offsetSize: 4 | 8 = 4;
    if (length === 0xffffffff) {
      const v = this.u64();
      if (typeof v !== 'number') this.fail('64-bit unit length out of range', at);
      length = v;
      offsetSize = 8;
    } else if (length >= 0xfffffff0) {
      this.fail(`reserved unit length 0x${length.toString(16)}`, at);
    }
    const end = this.pos + length;
    if (end > this.end) this.fail(`unit length 0x${length.toString(16)} runs past the section end`, at);
    return { length, offsetSize, end };
  }
}

/** A bigint or number constant as a number when exact, for sizes and offsets. */
export function smallNumber(v: number | bigint | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : undefined;
}
