// Directory entry records returned by getdents64 (struct linux_dirent64,
// 8-byte aligned) and the old getdents (i386 struct linux_dirent, 4-byte
// aligned, d_type in the record's last byte).

export const DT_UNKNOWN = 0;
export const DT_FIFO = 1;
export const DT_CHR = 2;
export const DT_DIR = 4;
export const DT_BLK = 6;
export const DT_REG = 8;
export const DT_LNK = 10;
export const DT_SOCK = 12;

export interface DirEntry {
  ino: bigint;
  type: number;
  name: Buffer;
}

export type DirentFormat = 'dirent64' | 'dirent';

/** Size of the record for `e` in `format`. */
export function direntSize(format: DirentFormat, e: DirEntry): number {
  if (format === 'dirent64') return (19 + e.name.length + 1 + 7) & ~7;
  return (10 + e.name.length + 2 + 3) & ~3;
}

/** Write one record at `at` of `view`; `next` is the d_off of the following entry. */
export function writeDirent(format: DirentFormat, view: DataView, at: number, e: DirEntry, next: number): number {
  const size = direntSize(format, e);
  const bytes = new Uint8Array(view.buffer, view.byteOffset + at, size);
  bytes.fill(0);
  if (format === 'dirent64') {
    view.setBigUint64(at, e.ino, true);
    view.setBigInt64(at + 8, BigInt(next), true);
    view.setUint16(at + 16, size, true);
    view.setUint8(at + 18, e.type);
    bytes.set(e.name, 19);
  } else {
    view.setUint32(at, Number(e.ino & 0xffffffffn), true);
    view.setUint32(at + 4, next, true);
    view.setUint16(at + 8, size, true);
    bytes.set(e.name, 10);
    view.setUint8(at + size - 1, e.type);
  }
  return size;
}
