// What an fd given to mmap maps: a regular host file (by its host fd), or
// /dev/zero, whose mappings are plain anonymous memory (the old way to get
// zeroed pages). Anything else cannot be mapped (ENODEV).
import fs from 'node:fs';
import { errnoOf } from '../abi/errno.js';
import type { FileDescription } from '../files/description.js';

const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
/** makedev(1, 5) as the host's stat reports it. */
const DEV_ZERO = 0x105n;

export function mapSource(desc: FileDescription): number | 'zero' | null {
  const fd = desc.hostFd();
  if (fd === null) return null;
  let st: fs.BigIntStats;
  try {
    st = fs.fstatSync(fd, { bigint: true });
  } catch {
    return null;
  }
  if (st.isFile()) return fd;
  if ((Number(st.mode) & S_IFMT) === S_IFCHR && st.rdev === DEV_ZERO) return 'zero';
  return null;
}

/** A private file mapping's initial bytes; what lies past the end of the file stays zero. 0 or -errno. */
export function readFileInto(fd: number, dest: Uint8Array, fileOffset: number): number {
  try {
    let done = 0;
    while (done < dest.length) {
      const n = fs.readSync(fd, dest, done, dest.length - done, fileOffset + done);
      if (n === 0) break;
      done += n;
    }
    return 0;
  } catch (e) {
    return -errnoOf(e);
  }
}
