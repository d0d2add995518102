// Debian's i386 busybox (package busybox-static, unpacked by
// scripts/sysroot.sh) running `sh -c` scripts natively and under dsu, byte
// for byte: pipelines, command substitution, external commands (each applet
// is a link to busybox found through PATH, so the shell forks and execs it),
// exit statuses, subshells, background jobs and wait, redirections, traps.
import { beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, REPO, runDsu, runNative } from '../helpers/run.js';

const ROOT = path.join(BUILD, 'sysroots', 'busybox');
const BUSYBOX = path.join(ROOT, 'bin', 'busybox');
const APPLETS = ['sh', 'echo', 'tr', 'wc', 'cat', 'sort', 'head', 'tail', 'seq', 'expr', 'printf', 'uniq', 'cut', 'sed', 'grep', 'true', 'false', 'sleep', 'kill', 'ls', 'rm', 'xargs', 'env', 'basename'];

const SCRIPTS: [string, string][] = [
  ['pipeline', 'seq 1 20 | grep 1 | sort -r | head -n 4 | tr "\\n" " "; echo; echo b a c | tr " " "\\n" | sort | uniq | wc -l'],
  ['command substitution', 'x=$(echo hello | tr a-z A-Z); echo "$x ${#x}"; n=$(seq 1 100 | wc -l); echo "lines $n"; echo "$(echo $(echo nested) $(expr 6 \\* 7))"'],
  ['exit statuses', '(exit 3); echo "subshell $?"; false; echo "false $?"; sh -c "exit 7"; echo "child $?"; nosuchcommand 2>/dev/null; echo "missing $?"; sh -c "kill -TERM \\$\\$"; echo "killed $?"'],
  ['background jobs and wait', 'sleep 0.2 & a=$!; (sleep 0.1; exit 5) & b=$!; wait $b; echo "b $?"; wait $a; echo "a $?"; true & wait; echo "all waited"'],
  ['redirections and files', 'echo one > f; echo two >> f; cat f | wc -l; sort -r < f; cat <<EOF | tr a-z A-Z\nhere doc\nEOF\nls f; rm f; ls f 2>/dev/null || echo gone'],
  ['loops, xargs and traps', 'trap "echo trapped" EXIT; for i in 1 2 3; do printf "%s-" $i; done; echo; seq 1 6 | xargs -n 2 echo; i=0; while [ $i -lt 3 ]; do i=$(expr $i + 1); done; echo "i=$i"; basename /a/b/c.txt .txt'],
];

let bin = '';

beforeAll(() => {
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'sysroot.sh'), ROOT, 'busybox-static'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/sysroot.sh could not unpack busybox-static (i386) into ${ROOT}`);
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-busybox-'));
  for (const applet of APPLETS) fs.symlinkSync(BUSYBOX, path.join(bin, applet));
});

describe('busybox sh: native vs dsu run', () => {
  for (const [name, script] of SCRIPTS) {
    test(name, async () => {
      const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-busybox-run-')));
      try {
        const spec = (cwd: string) => ({ cwd, args: ['sh', '-c', script], env: { PATH: bin } });
        const native = await runNative(BUSYBOX, spec(dirs[0]));
        const emulated = await runDsu(BUSYBOX, spec(dirs[1]));
        expect(native.stdout.length).toBeGreaterThan(0);
        expect(emulated.stderr.toString()).toBe(native.stderr.toString());
        expect(emulated.stdout.toString()).toBe(native.stdout.toString());
        expect(emulated.status).toBe(native.status);
      } finally {
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
