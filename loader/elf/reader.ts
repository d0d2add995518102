// Bounds-checked little-endian reads over an untrusted file image.
import { ElfError } from './errors.js';

export class ByteReader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly file: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  check(offset: number, size: number, field: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > this.bytes.length) {
      throw new ElfError(this.file, field, `truncated or corrupt: needs ${size} bytes at offset ${offset}, the file has ${this.bytes.length}`);
    }
  }

  u8(offset: number, field: string): number {
    this.check(offset, 1, field);
    return this.bytes[offset];
  }

  u16(offset: number, field: string): number {
    this.check(offset, 2, field);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, field: string): number {
    this.check(offset, 4, field);
    return this.view.getUint32(offset, true);
  }

  i32(offset: number, field: string): number {
    this.check(offset, 4, field);
    return this.view.getInt32(offset, true);
  }

  slice(offset: number, size: number, field: string): Uint8Array {
    this.check(offset, size, field);
    return this.bytes.subarray(offset, offset + size);
  }

  /** NUL-terminated string inside [start, end), which must lie inside the file. */
  cstring(offset: number, field: string, start = 0, end = this.bytes.length): string {
    this.check(start, end - start, field);
    if (offset < start || offset >= end) throw new ElfError(this.file, field, `string offset ${offset} outside its table`);
    const stop = this.bytes.subarray(offset, end).indexOf(0);
    if (stop < 0) throw new ElfError(this.file, field, 'unterminated string');
    return this.latin1(offset, stop);
  }

  latin1(offset: number, length: number, field = 'string'): string {
    this.check(offset, length, field);
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + offset, length).toString('latin1');
  }
}
