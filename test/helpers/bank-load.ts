// A client of c-samples/bank: one line out, one line back, and a load of
// several connections that each own two accounts and check every answer
// against their own model of the balances (deposits, withdrawals,
// transfers, the USE'd account's balance through ME).
import net from 'node:net';

export class BankClient {
  private buffer = '';
  private waiting: ((line: string) => void)[] = [];
  private closedWith: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0 && this.waiting.length > 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()!(line);
      }
    });
    const end = (why: string): void => {
      this.closedWith ??= new Error(why);
      for (const w of this.waiting.splice(0)) w(`<${why}>`);
    };
    socket.on('error', (e) => end(`error: ${e.message}`));
    socket.on('close', () => end('connection closed'));
  }

  static open(port: number): Promise<BankClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new BankClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends raw bytes (part of a request, say). */
  send(text: string): void {
    this.socket.write(text);
  }

  /** The next answer line ("<connection closed>" if there is none). */
  next(): Promise<string> {
    if (this.closedWith) return Promise.resolve(`<${this.closedWith.message}>`);
    const nl = this.buffer.indexOf('\n');
    if (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      return Promise.resolve(line);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  call(line: string): Promise<string> {
    this.send(line + '\n');
    return this.next();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** What the load saw: requests, wrong answers, the versions VERSION reported. */
export interface LoadResult {
  requests: number;
  failures: string[];
  versions: Set<string>;
  /** Every account the load opened: id -> [owner, balance]. */
  accounts: Map<number, [string, number]>;
}

/** Tiny deterministic PRNG (mulberry32): the same run every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `conns` connections until `stop()` resolves; then checks every account once more. */
export async function bankLoad(port: number, conns: number, stop: Promise<void>): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, failures: [], versions: new Set(), accounts: new Map() };
  let stopped = false;
  void stop.then(() => (stopped = true));
  const worker = async (k: number): Promise<void> => {
    const c = await BankClient.open(port);
    const rand = rng(k + 1);
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
    const expect = async (line: string, want: string): Promise<void> => {
      const got = await c.call(line);
      result.requests++;
      if (got !== want) result.failures.push(`conn ${k}: ${line} -> ${got}, want ${want}`);
    };
    const mine = new Map<number, [string, number]>();
    try {
      for (let i = 0; i < 2; i++) {
        const owner = `c${k}a${i}`;
        const amount = int(100, 1000);
        const r = await c.call(`OPEN ${owner} ${amount}`);
        const m = /^OK (\d+)$/.exec(r);
        if (!m) throw new Error(`OPEN -> ${r}`);
        mine.set(Number(m[1]), [owner, amount]);
      }
      const [a0, a1] = [...mine.keys()];
      await expect(`USE ${a0}`, 'OK');
      while (!stopped && result.failures.length === 0) {
        const a = rand() < 0.5 ? a0 : a1;
        const b = a === a0 ? a1 : a0;
        const acct = mine.get(a)!;
        switch (int(0, 5)) {
          case 0: {
            const n = int(1, 50);
            acct[1] += n;
            await expect(`DEP ${a} ${n}`, `OK ${acct[1]}`);
            break;
          }
          case 1: {
            const n = int(1, 80);
            if (n > acct[1]) {
              await expect(`WD ${a} ${n}`, 'ERR withdraw');
              break;
            }
            acct[1] -= n;
            await expect(`WD ${a} ${n}`, `OK ${acct[1]}`);
            break;
          }
          case 2: {
            const n = int(1, Math.max(1, acct[1]));
            if (n > acct[1]) break;
            acct[1] -= n;
            mine.get(b)![1] += n;
            await expect(`XFER ${a} ${b} ${n}`, `OK ${acct[1]} ${mine.get(b)![1]}`);
            break;
          }
          case 3:
            await expect(`BAL ${a}`, `OK ${acct[1]} ${acct[0]}`);
            break;
          case 4:
            await expect('ME', `OK ${a0} ${mine.get(a0)![1]}`);
            break;
          default: {
            const v = await c.call('VERSION');
            result.requests++;
            if (!/^OK v\d$/.test(v)) result.failures.push(`conn ${k}: VERSION -> ${v}`);
            else result.versions.add(v.slice(3));
          }
        }
      }
      for (const [id, [owner, balance]] of mine) await expect(`BAL ${id}`, `OK ${balance} ${owner}`);
      for (const [id, v] of mine) result.accounts.set(id, v);
    } catch (e) {
      result.failures.push(`conn ${k}: ${(e as Error).message}`);
    } finally {
      c.close();
    }
  };
  await Promise.all(Array.from({ length: conns }, (_, k) => worker(k)));
  return result;
}
