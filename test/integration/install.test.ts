// The package as a user gets it: `npm pack` of a clean copy of the sources
// (its prepack builds dist/ and the man page), `npm install -g` of the
// tarball into a temporary prefix, and `dsu` from that prefix's bin/ run
// from a directory outside the checkout: --version, include-dir (a patch is
// built against the installed dsu.h), run a program, patch it live, status.
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILD, REPO } from '../helpers/run.js';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };

let scratch: string;
let dsu: string;
/** A directory outside the checkout, where the user works. */
let elsewhere: string;

/** The sources a build needs (what git tracks or would track), copied without dist/, node_modules or the samples. */
function copySources(to: string): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0');
  for (const f of files) {
    if (f === '' || /^(c-samples|test)\//.test(f) || !fs.existsSync(path.join(REPO, f))) continue;
    fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(to, f));
  }
  // the build tools (tsc, esbuild) of the checkout
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(to, 'node_modules'));
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A command run without blocking the test runner (packing and installing take minutes on a loaded machine). */
function run(cmd: string, args: string[], cwd: string, timeout: number): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, maxBuffer: 64 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } }, (e, stdout, stderr) => {
      resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr });
    });
  });
}

async function npm(args: string[], cwd: string): Promise<string> {
  const r = await run('npm', args, cwd, 900_000);
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The installed dsu, run where the user works. */
const installed = (args: string[]): Promise<Ran> => run(dsu, args, elsewhere, 120_000);

let packedFiles: string[];
let tarball: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-install-'));
  const source = path.join(scratch, 'source');
  copySources(source);
  const packed = JSON.parse(await npm(['pack', '--json', '--pack-destination', scratch], source)) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed[0].files.map((f) => f.path);
  const prefix = path.join(scratch, 'prefix');
  tarball = path.join(scratch, packed[0].filename);
  await npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], scratch);
  dsu = path.join(prefix, 'bin', 'dsu');
  elsewhere = path.join(scratch, 'work');
  fs.mkdirSync(elsewhere);
}, 1_200_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack, npm install -g, dsu from another directory', () => {
  test('the package holds the build, dsu.h and the man page, and no sources or tests', () => {
    for (const f of ['bin/dsu.js', 'dist/cli/main.js', 'dist/cli/api.js', 'dist/cli/api.d.ts', 'dist/patcher/report.d.ts', 'dist/bundle/main.js', 'patcher/include/dsu.h', 'dist/man/dsu.1', 'README.md', 'package.json']) expect(packedFiles).toContain(f);
    expect(packedFiles.filter((f) => /^(test|c-samples|scripts)\//.test(f) || f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    expect(fs.existsSync(path.join(scratch, 'prefix', 'share', 'man', 'man1', 'dsu.1'))).toBe(true);
  });

  test('dsu --version and dsu help', async () => {
    const v = await installed(['--version']);
    expect(v).toEqual({ status: 0, stdout: `dsu ${pkg.version}\n`, stderr: '' });
    const help = await installed(['help', 'patch']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: dsu patch --control SOCK/);
  });

  test('a program runs, is patched with a patch built against the installed dsu.h, and reports its status', async () => {
    const include = await installed(['include-dir']);
    expect(include.status).toBe(0);
    const dir = include.stdout.trim();
    expect(dir.startsWith(path.join(scratch, 'prefix'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'dsu.h'), 'utf8')).toBe(fs.readFileSync(path.join(REPO, 'patcher', 'include', 'dsu.h'), 'utf8'));

    // the program and the patch's source, copied out of the checkout
    fs.copyFileSync(path.join(BUILD, 'counter', 'counter-v1'), path.join(elsewhere, 'counter-v1'));
    fs.chmodSync(path.join(elsewhere, 'counter-v1'), 0o755);
    fs.copyFileSync(path.join(REPO, 'c-samples', 'counter', 'v1', 'counter.h'), path.join(elsewhere, 'counter.h'));
    fs.copyFileSync(path.join(REPO, 'c-samples', 'patches', 'counter-v1-v2', 'src', 'counter.c'), path.join(elsewhere, 'counter.c'));
    execFileSync('gcc', ['-m32', '-O2', '-g', '-fPIC', '-shared', '-DDSU_PATCH', `-I${dir}`, '-I.', '-o', 'v1-v2.so', 'counter.c'], { cwd: elsewhere });

    const socket = path.join(elsewhere, 'control.sock');
    const child = spawn(dsu, ['run', '--control', socket, './counter-v1'], { cwd: elsewhere, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waitFor = async (pattern: RegExp): Promise<void> => {
      for (let i = 0; i < 1200 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      if (!pattern.test(out)) throw new Error(`no ${pattern} from the program: ${out}\n${err}`);
    };
    try {
      await waitFor(/counter ready\n/);
      child.stdin.write('2 3\n');
      await waitFor(/f = 5, num = 1\n/);

      const patched = await installed(['patch', '--control', socket, '--timeout', '60000', '--json', 'v1-v2.so']);
      expect(patched.stderr).toBe('');
      expect(patched.status).toBe(0);
      const report = JSON.parse(patched.stdout) as { replaced: { function: string }[]; transfer: string };
      expect(report.replaced.map((r) => r.function)).toContain('f');
      expect(report.transfer).toBe('ok');

      // v2: f multiplies (c defaults to 1), and the count went on from the old one
      child.stdin.write('2 3 4\n');
      await waitFor(/f = 24, num = 2\n/);

      const status = await installed(['status', '--control', socket, '--json']);
      expect(status.status).toBe(0);
      expect((JSON.parse(status.stdout) as { version: string }).version).toBe('counter-v2');
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
    expect(err).toBe('');
  }, 300_000);

  test("the programmatic interface: import { run, patch, status } from 'dsu-x86' in a project that installed the package, typed by its .d.ts", async () => {
    const app = path.join(elsewhere, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app);
    const source = `import { run, patch, status, rollback, ControlError, PROTOCOL_VERSION } from 'dsu-x86';
const program = run('../counter-v1', { control: 'api.sock', cwd: process.cwd() });
let out = '';
program.child.stdout.on('data', (d) => (out += d));
const until = async (re) => { while (!re.test(out)) await new Promise((r) => setTimeout(r, 50)); };
await program.ready();
await until(/counter ready\\n/);
program.child.stdin.write('2 3\\n');
await until(/f = 5, num = 1\\n/);
const applied = await patch(program.control, '../v1-v2.so', { timeoutMs: 60000 });
program.child.stdin.write('2 3 4\\n');
await until(/f = 24, num = 2\\n/);
const now = await status(program.control);
const undone = await rollback(program.control);
let refused = null;
try { await rollback(program.control); } catch (e) { refused = e instanceof ControlError ? { status: e.status, message: e.message } : String(e); }
program.child.stdin.end();
console.log(JSON.stringify({ protocol: PROTOCOL_VERSION, replaced: applied.replaced.map((f) => f.function), version: now.version, undone: undone.id === applied.id, refused, exit: await program.exited }));
`;
    fs.writeFileSync(path.join(app, 'drive.mjs'), source);
    const r = await run(process.execPath, ['drive.mjs'], app, 300_000);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ protocol: 1, replaced: expect.arrayContaining(['f']), version: 'counter-v2', undone: true, refused: { status: 1, message: 'no patch to roll back' }, exit: 0 });

    // the same calls type-check against the package's declarations
    fs.writeFileSync(path.join(app, 'typed.ts'), `import { patch, status, type PatchReport, type StatusReport } from 'dsu-x86';
export async function live(sock: string): Promise<[PatchReport, StatusReport]> {
  const r: PatchReport = await patch(sock, 'fix.so', { timeoutMs: 1000, relaxed: true });
  const s: StatusReport = await status(sock);
  return [r, s];
}
`);
    const tsc = await run(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--typeRoots', path.join(REPO, 'node_modules', '@types'), 'typed.ts'], app, 300_000);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    fs.writeFileSync(path.join(app, 'wrong.ts'), `import { patch } from 'dsu-x86';\nawait patch('sock', 'fix.so', { timeout: 5 });\n`);
    const wrong = await run(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', path.join(REPO, 'node_modules', '@types'), 'wrong.ts'], app, 300_000);
    expect(wrong.stdout).toMatch(/wrong\.ts.*'timeout' does not exist/);
  }, 600_000);

  test('a failure with --json is JSON on stdout, with the exit status', async () => {
    const r = await installed(['status', '--control', path.join(elsewhere, 'no.sock'), '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { command: 'status', status: 1, kind: 'failed', message: expect.stringMatching(/^no control socket at /) } });
  });
});
