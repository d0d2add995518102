// The one place dsu loads the host's C library through koffi. Every host
// call is declared in a file of emulator/host/ over this handle, so the
// foreign-function boundary is one folder (Unicorn's binding, in
// emulator/engine/, is the only other). A unit test keeps it that way.
import koffi from 'koffi';
import os from 'node:os';

export const libc = koffi.load('libc.so.6');

/** errno left by the last host call made through koffi. */
export const lastErrno = (): number => koffi.errno();

const codes = new Map<number, string>(Object.entries(os.constants.errno).map(([name, n]) => [n as number, name]));

/** The error a failed libc call reports, in the shape of Node's fs errors (code, negative errno, syscall). */
export function hostCallError(call: string): Error {
  const errno = koffi.errno();
  const code = codes.get(errno) ?? 'EIO';
  return Object.assign(new Error(`${call}: ${code}`), { code, errno: -errno, syscall: call });
}
