// Descriptors passed over Unix sockets (SCM_RIGHTS). The message goes
// through the host kernel with the descriptions' host fds, so it travels
// with exactly the bytes it was sent with; the receiver gets host fds that
// name the same open file descriptions. Since every guest process lives in
// this one host process, the receiving side finds the guest description
// that was sent (same file, sent earlier and not yet received) and installs
// that very object, so offsets, status flags and dsu's own state are shared
// as the kernel shares them; a descriptor from outside the guest (a host
// process's) is wrapped as a new description.
import fs from 'node:fs';
import { EBADF, EOPNOTSUPP, LinuxError } from '../abi/errno.js';
import type { FileDescription } from '../files/description.js';
import { describeHostFd } from '../files/open.js';
import { hostGetFl } from '../host/file-calls.js';
import type { Process } from '../process.js';

interface InFlight {
  desc: FileDescription;
  file: string;
}

/** Descriptions sent and not yet received, oldest first, per session (its kernel). */
const inFlight = new WeakMap<object, InFlight[]>();
/** Sent descriptions kept for a receiver at most; older ones are let go (a message never read). */
const MAX_IN_FLIGHT = 1024;

function fileOf(hostFd: number): string {
  const st = fs.fstatSync(hostFd, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

/** The host fds to send for the guest's `fds`; the descriptions are held until received. */
export function sendDescriptors(proc: Process, fds: number[]): number[] {
  const descs = fds.map((fd) => {
    const d = proc.fds.get(fd);
    if (!d) throw new LinuxError(EBADF);
    const h = d.hostFd();
    if (h === null) throw new LinuxError(EOPNOTSUPP, 'passing a descriptor that has no host file (a virtual file) is not supported');
    return { desc: d, host: h };
  });
  let list = inFlight.get(proc.kernel);
  if (!list) inFlight.set(proc.kernel, (list = []));
  for (const { desc, host } of descs) {
    desc.refs++;
    list.push({ desc, file: fileOf(host) });
  }
  while (list.length > MAX_IN_FLIGHT) list.shift()!.desc.drop();
  return descs.map((d) => d.host);
}

/** Install a received host fd in `proc` (it is closed or kept); returns the guest fd, or -errno. */
export function receiveDescriptor(proc: Process, hostFd: number, cloexec: boolean): number {
  const list = inFlight.get(proc.kernel) ?? [];
  let file = '';
  try {
    file = fileOf(hostFd);
  } catch {
    // compared with nothing below: wrapped as it is
  }
  const i = list.findIndex((e) => e.file === file);
  if (i >= 0) {
    const [{ desc }] = list.splice(i, 1);
    fs.closeSync(hostFd);
    const fd = proc.fds.allocate(desc, cloexec);
    desc.drop();
    return fd;
  }
  let desc: FileDescription;
  try {
    desc = describeHostFd(hostFd, hostGetFl(hostFd), `/proc/self/fd/${hostFd}`);
  } catch (e) {
    if (e instanceof LinuxError) return -e.errno;
    throw e;
  }
  return proc.fds.install(desc, cloexec);
}
