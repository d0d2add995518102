// The host kernel's log buffer (klogctl), for the guest's syslog(2) queries.
import koffi from 'koffi';
import { libc } from './ffi.js';

const klogctlFn = libc.func('int klogctl(int type, _Inout_ uint8_t *buf, int len)');
const errnoLocation = libc.func('int *__errno_location(void)');

/** klogctl(type, buf, len): the host's result, or a negative errno. */
export function hostKlogctl(type: number, buf: Uint8Array | null, len: number): number {
  const r = klogctlFn(type, buf, len) as number;
  return r < 0 ? -(koffi.decode(errnoLocation(), 'int') as number) : r;
}
