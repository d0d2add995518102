// A DNS client and a scripted upstream server over UDP on loopback, for
// tests that run a real DNS server (Debian's dnsmasq) under dsu: queries are
// built and answers read by hand (RFC 1035 wire format, no compression in
// what we send), so a test can also send what a hostile upstream would.
import dgram from 'node:dgram';

export const TYPE_A = 1;
export const TYPE_MX = 15;

/** A domain name in wire format: length-prefixed labels and a zero. */
export function wireName(name: string): Buffer {
  const parts = name.split('.').filter((l) => l !== '').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** A recursive query for (name, type), class IN. */
function query(id: number, name: string, type: number): Buffer {
  return Buffer.concat([u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), wireName(name), u16(type), u16(1)]);
}

export interface Answer {
  id: number;
  rcode: number;
  answers: number;
  /** The IPv4 addresses of the A records in the answer section. */
  addresses: string[];
}

/** Reads a name at `at` (following compression pointers) and returns the offset after it. */
function skipName(m: Buffer, at: number): number {
  while (at < m.length) {
    const len = m[at];
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2;
    at += len + 1;
  }
  throw new Error('truncated name');
}

function parseAnswer(m: Buffer): Answer {
  const id = m.readUInt16BE(0);
  const rcode = m[3] & 15;
  const qd = m.readUInt16BE(4);
  const an = m.readUInt16BE(6);
  let at = 12;
  for (let i = 0; i < qd; i++) at = skipName(m, at) + 4;
  const addresses: string[] = [];
  for (let i = 0; i < an; i++) {
    at = skipName(m, at);
    const type = m.readUInt16BE(at);
    const rdlen = m.readUInt16BE(at + 8);
    at += 10;
    if (type === TYPE_A && rdlen === 4) addresses.push([...m.subarray(at, at + 4)].join('.'));
    at += rdlen;
  }
  return { id, rcode, answers: an, addresses };
}

/** Sends one query to 127.0.0.1:port and waits for its answer (null after timeoutMs). */
export function ask(port: number, name: string, type = TYPE_A, timeoutMs = 5000): Promise<Answer | null> {
  const id = Math.floor(Math.random() * 0xffff);
  const s = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    const done = (a: Answer | null): void => {
      clearTimeout(timer);
      s.close();
      resolve(a);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    s.on('message', (m) => {
      const a = parseAnswer(m);
      if (a.id === id) done(a);
    });
    s.send(query(id, name, type), port, '127.0.0.1');
  });
}

/** The question of a query: its name's wire bytes (as sent), type, and where the question ends. */
function question(q: Buffer): { name: Buffer; type: number; end: number } {
  const nameEnd = skipName(q, 12);
  return { name: q.subarray(12, nameEnd), type: q.readUInt16BE(nameEnd), end: nameEnd + 4 };
}

/** A reply to query `q` with the given answer records (already in wire format). */
export function reply(q: Buffer, answers: Buffer[], rcode = 0): Buffer {
  const { end } = question(q);
  return Buffer.concat([q.subarray(0, 2), u16(0x8180 | rcode), u16(1), u16(answers.length), u16(0), u16(0), q.subarray(12, end), ...answers]);
}

/** A resource record whose owner is the question's name (pointer to offset 12). */
export function record(type: number, ttl: number, rdata: Buffer, rdlen = rdata.length): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt32BE(ttl, 4);
  head.writeUInt16BE(rdlen, 8);
  return Buffer.concat([Buffer.from([0xc0, 0x0c]), head, rdata]);
}

export interface Upstream {
  port: number;
  /** Queries received so far. */
  received: number;
  close(): void;
}

/** An upstream DNS server on loopback that answers each query with `answer(query, type)` (null: no answer). */
export function startUpstream(answer: (q: Buffer, type: number) => Buffer | null): Promise<Upstream> {
  const s = dgram.createSocket('udp4');
  const up: Upstream = { port: 0, received: 0, close: () => s.close() };
  s.on('message', (q, from) => {
    up.received++;
    const r = answer(q, question(q).type);
    if (r) s.send(r, from.port, from.address);
  });
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => {
    up.port = s.address().port;
    resolve(up);
  }));
}
