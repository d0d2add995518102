// This host process's own memory and loaded libraries, for the parts of the
// emulator that live outside the guest: the guest's reservation and page
// tables (mmap, madvise), and the engine's corrections to Unicorn's machine
// code (dlsym to find it, mprotect to write it).
import koffi from 'koffi';
import { libc } from './ffi.js';
import { MAP_ANONYMOUS, MAP_NORESERVE, MAP_PRIVATE } from '../abi/mman.js';

/** mmap returning a koffi pointer (null on failure). */
export const hostMmap = libc.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)') as
  (addr: unknown, len: number, prot: number, flags: number, fd: number, off: number) => unknown;
/** mmap at a numeric address, returning the address it got (all ones on failure). */
export const hostMmapAt = libc.func('mmap', 'uint64_t', ['uint64_t', 'size_t', 'int', 'int', 'int', 'int64_t']) as
  (addr: number, len: number, prot: number, flags: number, fd: number, off: number) => bigint | number;
const hostMunmap = libc.func('int munmap(void *addr, size_t len)') as (addr: unknown, len: number) => number;
/** munmap at a numeric address. */
export const hostMunmapAt = libc.func('munmap', 'int', ['uint64_t', 'size_t']) as (addr: number, len: number) => number;
export const hostMadvise = libc.func('int madvise(uint64_t addr, size_t len, int advice)') as (addr: number, len: number, advice: number) => number;
export const hostMprotect = libc.func('int mprotect(uint64_t addr, size_t len, int prot)') as (addr: number, len: number, prot: number) => number;
const mincoreFn = libc.func('int mincore(uint64_t addr, size_t len, _Out_ uint8_t *vec)') as (addr: number, len: number, vec: Uint8Array) => number;

/**
 * Which pages of [address, address+length) of this process are in memory
 * (one byte per page, bit 0 set when resident); null when the host says no.
 * A page never touched in a MAP_NORESERVE reservation is not resident.
 */
export function residentPages(address: number, length: number): Uint8Array | null {
  const vec = new Uint8Array(Math.ceil(length / 4096));
  return mincoreFn(address, length, vec) === 0 ? vec : null;
}

/** A private anonymous mapping of this process (read-write, no swap reserved), seen as bytes. */
export interface NativeArea {
  /** Host address of its first byte (exact below 2^53). */
  address: number;
  buffer: ArrayBuffer;
  release(): void;
}

const PROT_READ_WRITE = 3;
const MAP_PRIVATE_ANONYMOUS_NORESERVE = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

/** Reserve `length` bytes of zeroed host memory outside Node's heap; null when the host refuses. */
export function mapAnonymous(length: number): NativeArea | null {
  let ptr = hostMmap(null, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0);
  const address = ptr === null ? 0n : BigInt(koffi.address(ptr));
  if (address === 0n || address === 0xffffffffffffffffn) return null;
  return {
    address: Number(address),
    buffer: koffi.view(ptr, length),
    release() {
      if (ptr !== null) hostMunmap(ptr, length);
      ptr = null;
    },
  };
}

/**
 * Bytes at a host address range this process does not (wholly) map yet:
 * making the view touches nothing; the caller maps pages before using them.
 */
export function viewAt(address: number, length: number): ArrayBuffer {
  return koffi.view(BigInt(address), length);
}

const dlopen = libc.func('void *dlopen(const char *file, int mode)');
const dlsym = libc.func('void *dlsym(void *handle, const char *name)');
const RTLD_NOW = 2;

/** A symbol of a shared library this process has loaded (or can load), as a koffi pointer; null if absent. */
export function librarySymbol(library: string, name: string): unknown {
  const handle = dlopen(library, RTLD_NOW);
  if (handle === null) return null;
  return dlsym(handle, name);
}

/**
 * Run `use` with a zeroed native buffer of `size` bytes that stays at one
 * host address (for structures that hold pointers into themselves, like
 * struct ifconf), freed afterwards.
 */
export function withNativeBuffer<T>(size: number, use: (bytes: Uint8Array, address: bigint) => T): T {
  const area = koffi.alloc('uint8_t', size);
  try {
    const bytes = new Uint8Array(koffi.view(area, size));
    bytes.fill(0);
    return use(bytes, BigInt(koffi.address(area)));
  } finally {
    koffi.free(area);
  }
}
