// Raw koffi declarations of the Unicorn 2 C API. Only cpu.ts uses them.
// Pointers that we compute ourselves (host memory for uc_mem_map_ptr) are passed
// as uint64 integers: on x86-64 the calling convention is the same.
import koffi, { type LibraryHandle } from 'koffi';

/** Unicorn is not installed (or not the library dsu was built for): the message names the Debian package. */
export class EngineLoadError extends Error {}

function loadLibrary(): LibraryHandle {
  const candidates = ['libunicorn.so.2', 'libunicorn.so'];
  for (const name of candidates) {
    try {
      return koffi.load(name);
    } catch {
      // try the next name
    }
  }
  throw new EngineLoadError(
    'cannot load Unicorn 2 (libunicorn.so.2): install the Debian package libunicorn2 (apt-get install libunicorn2); `dsu doctor` checks everything dsu needs',
  );
}

// declared for the prototypes below, which name it
koffi.pointer('uc_engine', koffi.opaque());
export const HookIntrProto = koffi.proto('void HookIntr(uc_engine *uc, uint32_t intno, void *user)');
export const HookMemProto = koffi.proto(
  'bool HookMem(uc_engine *uc, int type, uint64_t address, int size, int64_t value, void *user)',
);
export const HookInsnInvalidProto = koffi.proto('bool HookInsnInvalid(uc_engine *uc, void *user)');
export const HookCodeProto = koffi.proto('void HookCode(uc_engine *uc, uint64_t address, uint32_t size, void *user)');

/** The Unicorn API over a loaded library. */
function declare(lib: LibraryHandle) {
  return {
  version: lib.func('unsigned int uc_version(void *major, void *minor)'),
  open: lib.func('int uc_open(int arch, int mode, _Out_ uc_engine **uc)'),
  close: lib.func('int uc_close(uc_engine *uc)'),
  strerror: lib.func('const char *uc_strerror(int code)'),
  errno: lib.func('int uc_errno(uc_engine *uc)'),
  regRead: lib.func('int uc_reg_read(uc_engine *uc, int regid, _Out_ uint64_t *value)'),
  regWriteU64: lib.func('int uc_reg_write(uc_engine *uc, int regid, const uint64_t *value)'),
  regWritePtr: lib.func('int uc_reg_write(uc_engine *uc, int regid, const void *value)'),
  regReadPtr: lib.func('int uc_reg_read(uc_engine *uc, int regid, void *value)'),
  regReadBatch: lib.func('int uc_reg_read_batch(uc_engine *uc, void *ids, void *vals, int count)'),
  regWriteBatch: lib.func('int uc_reg_write_batch(uc_engine *uc, void *ids, void *vals, int count)'),
  memRead: lib.func('int uc_mem_read(uc_engine *uc, uint64_t address, _Out_ uint8_t *bytes, size_t size)'),
  memWrite: lib.func('int uc_mem_write(uc_engine *uc, uint64_t address, const uint8_t *bytes, size_t size)'),
  memMapPtr: lib.func('int uc_mem_map_ptr(uc_engine *uc, uint64_t address, size_t size, uint32_t perms, uint64_t ptr)'),
  memUnmap: lib.func('int uc_mem_unmap(uc_engine *uc, uint64_t address, size_t size)'),
  memProtect: lib.func('int uc_mem_protect(uc_engine *uc, uint64_t address, size_t size, uint32_t perms)'),
  emuStart: lib.func('int uc_emu_start(uc_engine *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)'),
  emuStop: lib.func('int uc_emu_stop(uc_engine *uc)'),
  hookAdd: lib.func(
    'int uc_hook_add(uc_engine *uc, _Out_ size_t *hh, int type, void *callback, void *user, uint64_t begin, uint64_t end, ...)',
  ),
  hookDel: lib.func('int uc_hook_del(uc_engine *uc, size_t hh)'),
  ctl: lib.func('int uc_ctl(uc_engine *uc, int control, ...)'),
  contextAlloc: lib.func('int uc_context_alloc(uc_engine *uc, _Out_ void **context)'),
  contextSave: lib.func('int uc_context_save(uc_engine *uc, void *context)'),
  contextRestore: lib.func('int uc_context_restore(uc_engine *uc, void *context)'),
  contextFree: lib.func('int uc_context_free(void *context)'),
  contextRegRead: lib.func('int uc_context_reg_read(void *context, int regid, void *value)'),
};
}

/**
 * The Unicorn API, bound by bindUnicorn() when the first engine is made:
 * importing engine code (the syscall table, the fault reports) needs no
 * Unicorn installed, so the unit tests run on a machine without it.
 */
export const uc = {} as ReturnType<typeof declare>;
let bound = false;

export function bindUnicorn(): void {
  if (bound) return;
  Object.assign(uc, declare(loadLibrary()));
  bound = true;
}

/** The installed library's version, "major.minor.patch" (loading it first: EngineLoadError when it is missing). */
export function unicornVersion(): string {
  bindUnicorn();
  const v = Number(uc.version(null, null));
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}`;
}
