// syslog(2), the kernel log (dmesg, klogd): the guest reads the host's log
// as a native program would, with the host's permission checks
// (dmesg_restrict, CAP_SYSLOG). Actions that change it (a destructive read, clear,
// console level) are refused: the log is the host's, not the guest's.
import { EINVAL, EPERM } from '../abi/errno.js';
import { hostKlogctl } from '../host/klog.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const SYSLOG_ACTION_CLOSE = 0;
const SYSLOG_ACTION_OPEN = 1;
const SYSLOG_ACTION_READ_ALL = 3;
const SYSLOG_ACTION_SIZE_UNREAD = 9;
const SYSLOG_ACTION_SIZE_BUFFER = 10;

function syslog(ctx: SyscallContext, type: number, buf: number, len: number): number {
  switch (type) {
    case SYSLOG_ACTION_READ_ALL: {
      if (len < 0 || (buf === 0 && len > 0)) return -EINVAL;
      if (len === 0) return 0;
      const out = ctx.mem.writable(buf, len);
      const tmp = new Uint8Array(len);
      const r = hostKlogctl(type, tmp, len);
      if (r > 0) out.set(tmp.subarray(0, r));
      return r;
    }
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
    case SYSLOG_ACTION_SIZE_UNREAD:
    case SYSLOG_ACTION_SIZE_BUFFER:
      return hostKlogctl(type, null, 0);
    default:
      return type >= 2 && type <= 8 ? -EPERM : -EINVAL;
  }
}

export const syslogRows: SyscallRow[] = [
  row(103, 'syslog', ['int', 'ptr', 'int'], (ctx, type, buf, len) => syslog(ctx, type | 0, buf, len | 0)),
];
