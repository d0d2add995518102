// The members of a static library (`ar` format, GNU and BSD long names), so
// that a program linked from libfoo.a is traced back to the compiles that
// produced the members.
const MAGIC = '!<arch>\n';

export interface ArchiveMember {
  name: string;
  data: Uint8Array;
}

export function archiveMembers(bytes: Uint8Array): ArchiveMember[] {
  const text = (at: number, n: number): string => Buffer.from(bytes.subarray(at, at + n)).toString('latin1');
  if (bytes.length < 8 || text(0, 8) !== MAGIC) return [];
  const out: ArchiveMember[] = [];
  let longNames = '';
  for (let at = 8; at + 60 <= bytes.length;) {
    const rawName = text(at, 16).trimEnd();
    const size = Number.parseInt(text(at + 48, 10).trim(), 10);
    if (!Number.isFinite(size) || size < 0 || at + 60 + size > bytes.length) break;
    let data = bytes.subarray(at + 60, at + 60 + size);
    let name = rawName;
    if (rawName === '//') longNames = Buffer.from(data).toString('latin1');
    else if (/^\/\d+$/.test(rawName)) {
      const off = Number(rawName.slice(1));
      const end = longNames.indexOf('/\n', off);
      name = longNames.slice(off, end < 0 ? undefined : end);
    } else if (rawName.startsWith('#1/')) {
      const n = Number(rawName.slice(3));
      name = Buffer.from(data.subarray(0, n)).toString('latin1').replace(/\0+$/, '');
      data = data.subarray(n);
    } else name = rawName.replace(/\/$/, '');
    if (rawName !== '/' && rawName !== '//' && rawName !== '/SYM64/') out.push({ name, data });
    at += 60 + size + (size % 2);
  }
  return out;
}
