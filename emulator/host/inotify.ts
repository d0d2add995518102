// Host inotify instances for the guest's inotify fds; results are values
// or negative errnos like the other host objects' calls.
import koffi from 'koffi';
import { libc } from './ffi.js';

const initFn = libc.func('int inotify_init1(int flags)');
const addWatchFn = libc.func('int inotify_add_watch(int fd, const char *path, uint32_t mask)');
const rmWatchFn = libc.func('int inotify_rm_watch(int fd, int wd)');

const IN_NONBLOCK = 0o4000;
const IN_CLOEXEC = 0o2000000;

const ret = (v: number): number => (v < 0 ? -koffi.errno() : v);

/** A non-blocking, close-on-exec host inotify instance. */
export const hostInotifyInit = (): number => ret(initFn(IN_NONBLOCK | IN_CLOEXEC));
export const hostInotifyAddWatch = (fd: number, hostPath: string, mask: number): number => ret(addWatchFn(fd, hostPath, mask >>> 0));
export const hostInotifyRmWatch = (fd: number, wd: number): number => ret(rmWatchFn(fd, wd));
