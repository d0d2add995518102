// Socket structures as strace prints them: addresses of each family,
// message headers, I/O vectors, poll fds and epoll events.
import type { GuestMemory } from '../memory/guest-memory.js';
import { AF_INET, AF_INET6, AF_NETLINK, AF_UNIX, epollEvents, family, pollEvents } from './xlat-net.js';
import { hex, pointer, quote, quoteBuffer } from './quote.js';

const SOCKADDR_STORAGE = 128;
const SUN_PATH_OFFSET = 2;

function ipv6Text(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  // IPv4-mapped addresses keep their dotted tail, as inet_ntop writes them
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  // the longest run (two or more) of zero words becomes "::"
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexWords = words.map((w) => w.toString(16));
  if (best < 0) return hexWords.join(':');
  return `${hexWords.slice(0, best).join(':')}::${hexWords.slice(best + bestLen).join(':')}`;
}

/** A socket address of `len` bytes: {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}. */
export function sockaddr(mem: GuestMemory, p: number, len: number): string {
  if (len < 2) return hex(p);
  const size = Math.min(len, SOCKADDR_STORAGE);
  const b = mem.readable(p, size);
  const v = new DataView(b.buffer, b.byteOffset, size);
  const fam = v.getUint16(0, true);
  const head = `sa_family=${family(fam)}`;
  if (size <= 2) return `{${head}}`;
  const port = (off: number): number => v.getUint16(off, false);
  if (fam === AF_INET && size >= 16) {
    return `{${head}, sin_port=htons(${port(2)}), sin_addr=inet_addr("${b[4]}.${b[5]}.${b[6]}.${b[7]}")}`;
  }
  if (fam === AF_INET6 && size >= 24) {
    const scope = size >= 28 ? `, sin6_scope_id=${v.getUint32(24, true)}` : '';
    return `{${head}, sin6_port=htons(${port(2)}), sin6_flowinfo=htonl(${v.getUint32(4, false)}), ` +
      `inet_pton(AF_INET6, "${ipv6Text(b.subarray(8, 24))}", &sin6_addr)${scope}}`;
  }
  if (fam === AF_UNIX) {
    const path = b.subarray(SUN_PATH_OFFSET, size);
    if (path.length > 0 && path[0] === 0) return `{${head}, sun_path=@${quote(path.subarray(1), path.length)}}`;
    const end = path.indexOf(0);
    return `{${head}, sun_path=${quote(end < 0 ? path : path.subarray(0, end), path.length)}}`;
  }
  if (fam === AF_NETLINK && size >= 12) {
    return `{${head}, nl_pid=${v.getUint32(4, true)}, nl_groups=${v.getUint32(8, true).toString(16).padStart(8, '0')}}`;
  }
  return `{${head}, sa_data=${quote(b.subarray(2), size - 2)}}`;
}

/**
 * An iovec array of `count` entries; with `data` set, the first `data`
 * bytes are what the entries hold (readv after it read that many).
 */
export function iovec(mem: GuestMemory, p: number, count: number, data?: number): string {
  const shown: string[] = [];
  let left = data ?? Infinity;
  for (let i = 0; i < Math.min(count, 1024); i++) {
    const base = mem.u32(p + 8 * i);
    const len = mem.u32(p + 8 * i + 4);
    const take = Math.min(len, left);
    left -= take;
    const content = data === undefined ? quoteBuffer(mem, base, len) : quoteBuffer(mem, base, take);
    shown.push(`{iov_base=${base === 0 ? 'NULL' : content}, iov_len=${len}}`);
  }
  return `[${shown.join(', ')}]`;
}

/** struct msghdr; `data` as in iovec (recvmsg). */
export function msghdr(mem: GuestMemory, p: number, data?: number): string {
  const name = mem.u32(p);
  const namelen = mem.u32(p + 4);
  const iov = mem.u32(p + 8);
  const iovlen = mem.u32(p + 12);
  const control = mem.u32(p + 16);
  const controllen = mem.u32(p + 20);
  const flags = mem.i32(p + 24);
  const nameText = name === 0 ? 'NULL' : sockaddr(mem, name, namelen);
  const controlText = controllen === 0 ? '' : `, msg_control=${pointer(control)}`;
  return `{msg_name=${nameText}, msg_namelen=${namelen}, msg_iov=${iovec(mem, iov, iovlen, data)}, msg_iovlen=${iovlen}` +
    `${controlText}, msg_controllen=${controllen}, msg_flags=${flags}}`;
}

/** poll's fds with the events asked for: [{fd=3, events=POLLIN}]. */
export function pollRequests(mem: GuestMemory, p: number, n: number): string {
  const shown: string[] = [];
  for (let i = 0; i < n; i++) {
    const fd = mem.i32(p + 8 * i);
    // a negative fd is ignored by poll: strace shows it alone
    shown.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${pollEvents(mem.u16(p + 8 * i + 4))}}`);
  }
  return `[${shown.join(', ')}]`;
}

/** poll's answer: the fds with events, [{fd=3, revents=POLLIN}]. */
export function pollAnswers(mem: GuestMemory, p: number, n: number): string {
  const shown: string[] = [];
  for (let i = 0; i < n; i++) {
    const revents = mem.u16(p + 8 * i + 6);
    if (revents !== 0) shown.push(`{fd=${mem.i32(p + 8 * i)}, revents=${pollEvents(revents)}}`);
  }
  return `[${shown.join(', ')}]`;
}

/** epoll_event entries (12 bytes on i386: events, then the 64-bit data). */
export function epollEventList(mem: GuestMemory, p: number, n: number): string {
  const shown: string[] = [];
  for (let i = 0; i < n; i++) shown.push(epollEvent(mem, p + 12 * i));
  return `[${shown.join(', ')}]`;
}

export function epollEvent(mem: GuestMemory, p: number): string {
  const data = mem.u64(p + 4);
  return `{events=${epollEvents(mem.u32(p))}, data={u32=${Number(data & 0xffffffffn)}, u64=${data}}}`;
}
