// The sysroot scripts/setup.sh fills with Debian's i386 libc and its debug
// package (libc6:i386, libc6-dbg:i386), for the DWARF reader's tests.
import path from 'node:path';
import fs from 'node:fs';
import { BUILD } from './run.js';

const DEBUG_SYSROOT = path.join(BUILD, 'sysroot-i386');

/** The libc debug file, found by the build ID recorded at set-up (empty when the sysroot is missing). */
export const LIBC_DEBUG = ((): string => {
  const stamp = path.join(DEBUG_SYSROOT, 'libc-debug-file');
  return fs.existsSync(stamp) ? path.join(DEBUG_SYSROOT, fs.readFileSync(stamp, 'utf8').trim()) : '';
})();
