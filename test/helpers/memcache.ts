// A minimal memcached text-protocol client for tests: storage commands,
// get with its VALUE blocks, incr/decr, stats; replies are parsed exactly
// (a short or misframed reply fails the test rather than being guessed at).
import { Conversation } from './servers.js';

const CRLF = '\r\n';

export class MemcacheClient {
  constructor(readonly conv: Conversation) {}

  static async open(port: number): Promise<MemcacheClient> {
    return new MemcacheClient(await Conversation.open(port));
  }

  /** The next reply line (without its CRLF). */
  private async line(timeoutMs: number): Promise<string> {
    const buf = await this.conv.until((c) => c.received().indexOf(CRLF, 0, 'latin1') >= 0, timeoutMs, 'a reply line');
    const eol = buf.indexOf(CRLF, 0, 'latin1');
    const text = buf.toString('latin1', 0, eol);
    this.conv.consume(eol + 2);
    return text;
  }

  private async bytes(n: number, timeoutMs: number): Promise<Buffer> {
    const buf = await this.conv.until((c) => c.bufferedLength() >= n + 2, timeoutMs, `${n} bytes of a value`);
    if (buf.toString('latin1', n, n + 2) !== CRLF) throw new Error(`a value of ${n} bytes is not followed by CRLF`);
    const data = Buffer.from(buf.subarray(0, n));
    this.conv.consume(n + 2);
    return data;
  }

  /** set/add/replace/append/prepend: the server's one-line answer ("STORED", "NOT_STORED"...). */
  async store(cmd: 'set' | 'add' | 'replace' | 'append' | 'prepend', key: string, value: string | Buffer, flags = 0, timeoutMs = 20_000): Promise<string> {
    const data = typeof value === 'string' ? Buffer.from(value) : value;
    this.conv.send(Buffer.concat([Buffer.from(`${cmd} ${key} ${flags} 0 ${data.length}${CRLF}`), data, Buffer.from(CRLF)]));
    return this.line(timeoutMs);
  }

  /** get of one or more keys: the values found, by key. */
  async get(keys: string[], timeoutMs = 20_000): Promise<Map<string, { flags: number; value: Buffer }>> {
    this.conv.send(`get ${keys.join(' ')}${CRLF}`);
    const out = new Map<string, { flags: number; value: Buffer }>();
    for (;;) {
      const l = await this.line(timeoutMs);
      if (l === 'END') return out;
      const m = /^VALUE (\S+) (\d+) (\d+)$/.exec(l);
      if (!m) throw new Error(`unexpected reply to get: ${JSON.stringify(l)}`);
      out.set(m[1], { flags: Number(m[2]), value: await this.bytes(Number(m[3]), timeoutMs) });
    }
  }

  /** incr/decr/delete/touch/flush_all/version...: the one-line answer. */
  async simple(command: string, timeoutMs = 20_000): Promise<string> {
    this.conv.send(command + CRLF);
    return this.line(timeoutMs);
  }

  /** stats [group]: name -> value. */
  async stats(group = '', timeoutMs = 20_000): Promise<Map<string, string>> {
    this.conv.send(`stats${group ? ' ' + group : ''}${CRLF}`);
    const out = new Map<string, string>();
    for (;;) {
      const l = await this.line(timeoutMs);
      if (l === 'END') return out;
      const m = /^STAT (\S+) (.*)$/.exec(l);
      if (!m) throw new Error(`unexpected reply to stats: ${JSON.stringify(l)}`);
      out.set(m[1], m[2]);
    }
  }

  close(): void {
    this.conv.close();
  }
}
