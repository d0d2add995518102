// The file-system areas' rows, gathered for the syscall table.
import type { SyscallRow } from './types.js';
import { fsOpenRows } from './fs-open.js';
import { fsStatRows } from './fs-stat.js';
import { fsDirRows } from './fs-dirs.js';
import { fsLinkRows } from './fs-links.js';
import { fsAttrRows } from './fs-attrs.js';
import { fsFcntlRows } from './fs-fcntl.js';
import { fsIoctlRows } from './fs-ioctl.js';
import { fsCopyRows } from './fs-copy.js';
import { fsXattrRows } from './fs-xattr.js';

export const fsRows: SyscallRow[] = [
  ...fsOpenRows, ...fsStatRows, ...fsDirRows, ...fsLinkRows, ...fsAttrRows, ...fsFcntlRows, ...fsIoctlRows, ...fsCopyRows,
  ...fsXattrRows,
];
