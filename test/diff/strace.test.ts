// `dsu run --strace` prints system calls the way strace does: symbolic flags,
// AT_FDCWD, escaped buffers, "-1 ENOENT (No such file or directory)", results
// at strace's column. The reference is strace itself on the same binary.
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import koffi from 'koffi';
import { BUILD, runDsu, runNative } from '../helpers/run.js';
import { errnoDescription, knownErrnos } from '../../emulator/strace/errno.js';

/** strace starts short lines' "= result" at this column. */
const COLUMN = 40;
const TRACED = ['write', 'openat', 'mmap2', 'mprotect', 'munmap', 'close', 'unlink', 'exit_group'];

/** The lines of the program's own calls: from its first write on, addresses masked. */
function programLines(trace: string): string[] {
  const lines = trace.split('\n').filter((l) => TRACED.some((name) => l.startsWith(name + '(')));
  const first = lines.findIndex((l) => l.startsWith('write(1, "hi\\n", 3)'));
  return lines.slice(first).map((l) => l.replace(/0x[0-9a-f]{8}/g, '0xADDRESS'));
}

function freshDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-strace-'));
}

describe('--strace', () => {
  for (const variant of ['dyn', 'static']) {
    test(`matches strace on the program's calls (${variant})`, async () => {
      const program = path.join(BUILD, 'conformance', `strace_calls.${variant}`);
      const dsuDir = freshDir();
      const nativeDir = freshDir();
      try {
        const dsu = await runDsu(program, { cwd: dsuDir }, ['--strace']);
        const native = await runNative(program, { cwd: nativeDir });
        expect(dsu.status).toBe(0);
        // the trace goes to stderr: the program's output is untouched
        expect(dsu.stdout.toString()).toBe(native.stdout.toString());
        const ours = programLines(dsu.stderr.toString());
        expect(ours).toContain(`${'write(1, "hi\\n", 3)'.padEnd(COLUMN)}= 3`);
        expect(ours).toContain('openat(AT_FDCWD, "missing-file", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)');
        expect(ours).toContain('openat(AT_FDCWD, "new-file", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3');
        expect(ours).toContain(`${'exit_group(0)'.padEnd(COLUMN)}= ?`);

        const traceFile = path.join(nativeDir, 'trace');
        execFileSync('strace', ['-qq', '-o', traceFile, '-e', `trace=${TRACED.join(',')}`, program], { cwd: nativeDir, stdio: 'ignore' });
        expect(ours).toEqual(programLines(fs.readFileSync(traceFile, 'utf8')));
      } finally {
        fs.rmSync(dsuDir, { recursive: true, force: true });
        fs.rmSync(nativeDir, { recursive: true, force: true });
      }
    });
  }

  test('the loader\'s openat shows O_LARGEFILE|O_CLOEXEC like strace', async () => {
    const program = path.join(BUILD, 'conformance', 'strace_calls.dyn');
    const dsu = await runDsu(program, { cwd: os.tmpdir() }, ['--strace']);
    expect(dsu.stderr.toString()).toMatch(/^openat\(AT_FDCWD, "[^"]*libc\.so\.6", O_RDONLY\|O_LARGEFILE\|O_CLOEXEC\) = 3$/m);
    expect(dsu.stderr.toString()).toMatch(/^mmap2\(0x[0-9a-f]+, \d+, PROT_READ\|PROT_EXEC, MAP_PRIVATE\|MAP_FIXED\|MAP_DENYWRITE, 3, 0x[0-9a-f]+\) = 0x[0-9a-f]+$/m);
  });

  test('errno descriptions are glibc\'s', () => {
    const strerror = koffi.load('libc.so.6').func('const char *strerror(int)');
    const linuxErrnos = knownErrnos().filter((e) => e < 512);
    expect(linuxErrnos.length).toBeGreaterThan(120);
    for (const e of linuxErrnos) expect(errnoDescription(e), `errno ${e}`).toBe(strerror(e));
  });
});
