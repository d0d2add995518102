// The "programs" group's workloads: real programs nobody here wrote, taken
// from Debian's i386 packages and unpacked into a sysroot the bench owns
// (scripts/sysroot.sh), each with a fixed piece of work whose output is the
// same natively, under qemu-i386 and under dsu. The inputs are generated
// here, deterministically, into the sysroot's /bench.
import fs from 'node:fs';
import path from 'node:path';
import { SAMPLES } from './paths.js';

export const SYSROOT = path.join(SAMPLES, 'sysroots', 'programs');
/** Debian packages (i386) unpacked into SYSROOT, with their dependencies. */
export const PACKAGES = ['lua5.4', 'sqlite3', 'python3.11-minimal', 'gzip', 'xz-utils', 'bzip2', 'openssl', 'coreutils'];

export interface Workload {
  id: string;
  /** What it measures, for the table. */
  what: string;
  /** Guest path of the program inside the sysroot, and its arguments (inputs relative to the sysroot's /). */
  program: string;
  args: string[];
  /**
   * How the run is judged: 'output' compares stdout across runners (wall
   * time is the figure); 'throughput' parses a rate from stdout (openssl
   * speed runs for a fixed time, so the rate is the figure).
   */
  kind: 'output' | 'throughput';
}

/** Deterministic pseudo-random numbers (a 32-bit LCG), so inputs are identical on every machine. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

const WORDS = ('the of and to in is was that for it with as on be at by this had not are but from or have an they which one you were ' +
  'her all she there would their we him been has when who will more no if out so said what up its about into than them can only ' +
  'other new some could time these two may then do first any my now such like our over man me even most made after also did many ' +
  'before must through back years where much your way well down should because each just those people how too little state good ' +
  'very make world still own see men work long get here between both life being under never day same another know while last might').split(' ');

/** Text that compresses like prose: words drawn with a skewed distribution, lines of varying length. */
function prose(bytes: number, seed: number): Buffer {
  const next = lcg(seed);
  const parts: string[] = [];
  let size = 0;
  let line = 0;
  while (size < bytes) {
    const r = next();
    const w = WORDS[(r >>> 8) % (1 + ((r >>> 3) % WORDS.length))];
    const sep = ++line % (8 + (r % 9)) === 0 ? '\n' : ' ';
    parts.push(w, sep);
    size += w.length + 1;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

const LUA = `-- recursion, closures and table.sort: the interpreter's dispatch loop
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local N = tonumber(arg[1])
local t = {}
local x = 12345
for i = 1, N do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x end
table.sort(t)
local s = {}
for i = 1, N // 10 do s[#s + 1] = string.format("%d:%x", i, t[i] % 65536) end
local joined = table.concat(s, ",")
print(fib(27), t[1], t[N], #joined)
`;

function sqliteScript(rows: number): string {
  const next = lcg(7);
  const out = ['CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);', 'BEGIN;'];
  for (let i = 1; i <= rows; i++) out.push(`INSERT INTO t(k, v) VALUES(${next() % 100003}, '${WORDS[next() % WORDS.length]}-${i}');`);
  out.push('COMMIT;', 'CREATE INDEX t_k ON t(k);');
  out.push('SELECT count(*), sum(k), min(v), max(v) FROM t;');
  out.push('SELECT k % 10 AS d, count(*), avg(k) FROM t GROUP BY d ORDER BY d;');
  out.push('SELECT count(*) FROM t WHERE k BETWEEN 1000 AND 2000;');
  out.push('SELECT substr(v, 1, 3) AS p, count(*) FROM t GROUP BY p ORDER BY count(*) DESC, p LIMIT 5;');
  return out.join('\n') + '\n';
}

const PYTHON_LOOP = `import sys
n = int(sys.argv[1])
d = {}
acc = 0
for i in range(n):
    k = (i * 2654435761) & 0xffff
    d[k] = d.get(k, 0) + i
    acc = (acc + i * i) % 1000000007
words = sorted(str(v) for v in d.values())
print(acc, len(d), words[0], words[-1])
`;

function sortLines(lines: number): string {
  const next = lcg(99);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`${WORDS[next() % WORDS.length]} ${next() % 1000000} ${WORDS[next() % WORDS.length]}`);
  return out.join('\n') + '\n';
}

/** Writes the inputs for this scale into SYSROOT/bench (only when they differ). */
export function prepareInputs(scale: number): void {
  const dir = path.join(SYSROOT, 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const put = (name: string, data: string | Buffer): void => {
    const file = path.join(dir, name);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (fs.existsSync(file) && fs.readFileSync(file).equals(buf)) return;
    fs.writeFileSync(file, buf);
  };
  put('script.lua', LUA);
  put('session.sql', sqliteScript(Math.round(100_000 * scale)));
  put('loop.py', PYTHON_LOOP);
  put('data.txt', prose(Math.round(20 * 2 ** 20 * scale), 2024));
  put('lines.txt', sortLines(Math.round(300_000 * scale)));
}

export function workloads(scale: number): Workload[] {
  const n = (base: number): string => String(Math.max(1, Math.round(base * scale)));
  return [
    { id: 'lua', what: 'Lua 5.4: recursion, table.sort', program: '/usr/bin/lua5.4', args: ['bench/script.lua', n(300_000)], kind: 'output' },
    { id: 'sqlite', what: 'SQLite 3: inserts, index, queries', program: '/usr/bin/sqlite3', args: [':memory:', '.read bench/session.sql'], kind: 'output' },
    { id: 'python-start', what: 'Python 3.11: start-up alone', program: '/usr/bin/python3.11', args: ['-c', 'pass'], kind: 'output' },
    { id: 'python-loop', what: 'Python 3.11: a compute loop', program: '/usr/bin/python3.11', args: ['bench/loop.py', n(400_000)], kind: 'output' },
    { id: 'gzip', what: 'gzip -6 of the text file', program: '/usr/bin/gzip', args: ['-6', '-c', 'bench/data.txt'], kind: 'output' },
    { id: 'xz', what: 'xz -1 of the text file', program: '/usr/bin/xz', args: ['-1', '-T1', '-c', 'bench/data.txt'], kind: 'output' },
    { id: 'bzip2', what: 'bzip2 -9 of the text file', program: '/usr/bin/bzip2', args: ['-9', '-c', 'bench/data.txt'], kind: 'output' },
    { id: 'sort', what: 'coreutils sort of the lines file', program: '/usr/bin/sort', args: ['bench/lines.txt'], kind: 'output' },
    { id: 'openssl-sha256', what: 'openssl speed sha256, 16 KiB blocks', program: '/usr/bin/openssl', args: ['speed', '-seconds', '2', '-bytes', '16384', 'sha256'], kind: 'throughput' },
    { id: 'openssl-aes', what: 'openssl speed aes-128-cbc, 16 KiB blocks', program: '/usr/bin/openssl', args: ['speed', '-seconds', '2', '-bytes', '16384', '-evp', 'aes-128-cbc'], kind: 'throughput' },
  ];
}

/**
 * The environment every runner gets: the C locale (sort order, messages),
 * and OpenSSL told not to use instructions the emulators do not offer
 * (AES-NI, PCLMULQDQ, AVX, AVX2, SHA extensions), so all three run the
 * same code: natively it would otherwise use AES-NI and SHA-NI.
 */
export const WORKLOAD_ENV: Record<string, string> = {
  LC_ALL: 'C',
  OPENSSL_ia32cap: '~0x1200000200000000:~0x20000020',
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONHASHSEED: '0',
};

/** openssl speed's rate in bytes per second for its one block size, or NaN. */
export function throughputOf(stdout: string): number {
  const line = stdout.split('\n').reverse().find((l) => /^\S.*\s[\d.]+k\s*$/.test(l.trim()));
  const m = line ? /([\d.]+)k\s*$/.exec(line.trim()) : null;
  return m ? Number(m[1]) * 1000 : NaN;
}
