// Every file dsu reads for itself (programs, interpreters, libraries, patches,
// debug files, the builds dsu mkpatch compares) is read here, and only if it
// is a regular file of bounded size. It lives at the bottom layer so that
// every layer reads its files the same way; the loader's own parsers still
// take bytes, never paths. A path naming /dev/zero, /dev/urandom or a FIFO would otherwise make
// a synchronous read grow without end or block the event loop (and the guest
// with it) forever.
//
// The path is opened with O_PATH, which opens nothing behind it (no device
// open routine runs, a FIFO is not waited on), and checked with fstat on that
// descriptor. Only a regular file is then opened for reading, through its
// /proc/self/fd link, so the object read is the one checked (no second
// lookup of the path), with O_NONBLOCK so that nothing can block anyway.
import fs from 'node:fs';

/** Linux's O_PATH and O_CLOEXEC (Node's fs.constants names neither). */
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;
const { O_RDONLY, O_NONBLOCK, O_NOCTTY } = fs.constants;
const READ_FLAGS = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

const MiB = 1024 * 1024;
/** Size limits by what is read: no 32-bit program, library or patch comes near them. */
export const FILE_LIMITS = {
  /** Programs, interpreters and the libraries they load: all must fit a 4 GiB address space with room to run. */
  program: 1024 * MiB,
  /** Patch objects (the linker refuses spans over 1 GiB; a real patch is a few KiB to a few MiB). */
  patch: 256 * MiB,
  /** Separate debug files (.debug by build-id or debuglink). */
  debug: 1024 * MiB,
} as const;

/** Bytes read per request of an asynchronous read: the event loop runs between requests. */
const ASYNC_CHUNK = 4 * MiB;
const SYNC_CHUNK = 16 * MiB;
/** Read size past the size fstat gave (files of /proc and /sys say 0). */
const PROBE_CHUNK = 64 * 1024;

/**
 * A file dsu would not or could not read. `code` is the errno name a kernel
 * would give for it as an executable: EACCES for anything not a regular file
 * (execve's answer), EFBIG over the limit, else the host's (ENOENT, EACCES,
 * ENOTDIR, ELOOP...). `reason` is the one-line why, without the path.
 */
export class FileReadError extends Error {
  constructor(readonly path: string, readonly code: string, readonly reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'FileReadError';
  }
}

const HOST_REASONS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EISDIR: 'Is a directory',
  EIO: 'Input/output error',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EAGAIN: 'Resource temporarily unavailable',
};

function hostFailure(path: string, e: unknown): FileReadError {
  if (e instanceof FileReadError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  return new FileReadError(path, code, HOST_REASONS[code] ?? `cannot be read (${code})`);
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // nothing to do: the descriptor is gone either way
  }
}

/** The checked file: a descriptor open for reading and the size fstat gave. */
interface OpenedFile {
  fd: number;
  size: number;
}

/**
 * Opens `path` for reading if it is a regular file of at most `maxBytes`
 * bytes; throws a FileReadError otherwise. The caller closes the fd.
 */
function openChecked(path: string, maxBytes: number): OpenedFile {
  let handle: number;
  try {
    handle = fs.openSync(path, O_PATH | O_CLOEXEC);
  } catch (e) {
    throw hostFailure(path, e);
  }
  try {
    const st = fs.fstatSync(handle);
    if (st.isDirectory()) throw new FileReadError(path, 'EISDIR', 'Is a directory');
    if (!st.isFile()) throw new FileReadError(path, 'EACCES', `not a regular file (${kindOf(st)})`);
    if (st.size > maxBytes) throw new FileReadError(path, 'EFBIG', `too large to read (${st.size} bytes; the limit is ${maxBytes})`);
    let fd: number;
    try {
      fd = fs.openSync(`/proc/self/fd/${handle}`, READ_FLAGS);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // no /proc: open the path again and make sure it is still the same file
      fd = fs.openSync(path, READ_FLAGS);
      const again = fs.fstatSync(fd);
      if (again.ino !== st.ino || again.dev !== st.dev) {
        closeQuietly(fd);
        throw new FileReadError(path, 'EAGAIN', 'changed while it was being opened');
      }
    }
    return { fd, size: st.size };
  } catch (e) {
    throw hostFailure(path, e);
  } finally {
    closeQuietly(handle);
  }
}

function tooLarge(path: string, maxBytes: number): FileReadError {
  return new FileReadError(path, 'EFBIG', `too large to read (it grew past the limit of ${maxBytes} bytes while being read)`);
}

/** Gathers chunks read into one buffer, refusing to go past the limit. */
class Collector {
  private readonly chunks: Buffer[] = [];
  total = 0;
  constructor(private readonly path: string, private readonly maxBytes: number) {}

  /** Room to ask for next: up to `chunk`, and one byte past the limit to notice a file that grew. */
  want(chunk: number): number {
    return Math.min(chunk, this.maxBytes + 1 - this.total);
  }

  add(buf: Buffer, n: number): void {
    this.total += n;
    if (this.total > this.maxBytes) throw tooLarge(this.path, this.maxBytes);
    this.chunks.push(n === buf.length ? buf : buf.subarray(0, n));
  }

  result(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
  }
}

/**
 * The bytes of the regular file `path` (a host path, already resolved by the
 * caller), at most `maxBytes`; a FileReadError for anything else. Blocks the
 * event loop while it reads: for files read before the guest runs, or small ones.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const { fd, size } = openChecked(path, maxBytes);
  try {
    const out = new Collector(path, maxBytes);
    for (;;) {
      // the size fstat gave in one read, then small reads until the end (the file may have grown)
      const buf = Buffer.allocUnsafe(Math.max(1, out.want(size > out.total ? Math.min(size - out.total, SYNC_CHUNK) : PROBE_CHUNK)));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      out.add(buf, n);
    }
    return out.result();
  } catch (e) {
    throw hostFailure(path, e);
  } finally {
    closeQuietly(fd);
  }
}

function readChunk(fd: number, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/**
 * Like readRegularFile, but the bytes are read off the event loop in chunks,
 * so a running guest keeps running (and the control channel answering) while
 * a large file is read.
 */
export async function readRegularFileAsync(path: string, maxBytes: number): Promise<Buffer> {
  const { fd } = openChecked(path, maxBytes);
  try {
    const out = new Collector(path, maxBytes);
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.max(1, out.want(ASYNC_CHUNK)));
      const n = await readChunk(fd, buf);
      if (n === 0) break;
      out.add(buf, n);
    }
    return out.result();
  } catch (e) {
    throw hostFailure(path, e);
  } finally {
    closeQuietly(fd);
  }
}

/** The regular file's bytes, or null when it is missing, not regular, too large or unreadable. */
export function readRegularFileOrNull(path: string, maxBytes: number): Buffer | null {
  try {
    return readRegularFile(path, maxBytes);
  } catch (e) {
    if (e instanceof FileReadError) return null;
    throw e;
  }
}
