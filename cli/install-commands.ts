// `dsu doctor`: whether this machine has what dsu needs, each missing piece
// named with the Debian package that brings it; `dsu include-dir`: where
// dsu.h is, for building patches by hand.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandDef } from './args.js';
import { CommandError, UsageError } from './args.js';
import { jsonOption } from './control-client.js';
import { includeDir } from './install-paths.js';
import { unicornVersion } from '../emulator/engine/library.js';
import { HOST_O_DIRECTORY, HOST_O_PATH, RESOLVE_IN_ROOT, hostClose, hostOpenat2 } from '../emulator/host/fs-at.js';
import { escapeText, printJson, printOut } from './output.js';

/** The Unicorn release dsu's register and TLB code is written against (emulator/engine/cpu-state.ts). */
const UNICORN_VERSION = '2.0.1';
const AT_FDCWD = -100;

interface Check {
  name: string;
  /** false: only some features need it (named in `neededFor`). */
  required: boolean;
  neededFor: string;
  ok: boolean;
  detail: string;
  /** What to do when it is not ok. */
  fix: string | null;
}

function run(cmd: string, args: string[], input?: string): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { ok: r.status === 0 && r.error === undefined, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || (r.error?.message ?? '') };
}

function debianVersion(pkg: string): string | null {
  const r = run('dpkg-query', ['-W', '-f', '${Status} ${Version}', pkg]);
  const m = /install ok installed (\S+)/.exec(r.out);
  return r.ok && m ? m[1] : null;
}

function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return { name: 'node', required: true, neededFor: 'everything', ok: major >= 20, detail: `Node.js ${process.versions.node}`, fix: major >= 20 ? null : 'install Node.js 20 or newer' };
}

function checkUnicorn(): Check {
  const base = { name: 'libunicorn2', required: true, neededFor: 'dsu run' };
  const fix = `apt-get install libunicorn2 (Debian 12 has ${UNICORN_VERSION})`;
  let version: string;
  try {
    version = unicornVersion();
  } catch (e) {
    return { ...base, ok: false, detail: (e as Error).message, fix };
  }
  const deb = debianVersion('libunicorn2');
  const detail = `Unicorn ${version} loaded${deb ? ` (Debian package ${deb})` : ''}`;
  if (version !== UNICORN_VERSION) return { ...base, ok: false, detail: `${detail}: dsu is built for ${UNICORN_VERSION}`, fix };
  return { ...base, ok: true, detail, fix: null };
}

function checkPatchCompiler(): Check {
  const base = { name: 'gcc-multilib', required: false, neededFor: 'building patches (dsu mkpatch, gcc -m32 -shared)' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-doctor-'));
  try {
    const source = path.join(dir, 'probe.c');
    fs.writeFileSync(source, '#include <stdio.h>\n#include "dsu.h"\nint probe(void) { return puts("ok"); }\n');
    const r = run('gcc', ['-m32', '-O2', '-fPIC', '-shared', '-DDSU_PATCH', `-I${includeDir()}`, '-o', path.join(dir, 'probe.so'), source]);
    if (r.ok) return { ...base, ok: true, detail: `gcc -m32 builds a patch with dsu.h (${run('gcc', ['-dumpfullversion']).out})`, fix: null };
    const first = r.out.split('\n').find((l) => /error|not found|No such/.test(l)) ?? r.out.split('\n')[0];
    return { ...base, ok: false, detail: `gcc -m32 -shared failed: ${first}`, fix: 'apt-get install gcc gcc-multilib' };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkQemu(): Check {
  const r = run('qemu-i386', ['--version']);
  const base = { name: 'qemu-user', required: false, neededFor: 'benchmarks against qemu-i386 (npm run bench)' };
  return r.ok ? { ...base, ok: true, detail: r.out.split('\n')[0], fix: null } : { ...base, ok: false, detail: 'qemu-i386 not found', fix: 'apt-get install qemu-user' };
}

function checkOpenat2(): Check {
  const base = { name: 'openat2', required: true, neededFor: 'dsu run (paths confined to the root: RESOLVE_IN_ROOT)' };
  try {
    hostClose(hostOpenat2(AT_FDCWD, '/', HOST_O_PATH | HOST_O_DIRECTORY, 0, RESOLVE_IN_ROOT));
    return { ...base, ok: true, detail: `kernel ${os.release()} has openat2 with RESOLVE_IN_ROOT`, fix: null };
  } catch (e) {
    return { ...base, ok: false, detail: `openat2 failed: ${(e as Error).message}`, fix: 'a Linux kernel 5.6 or newer (Debian 12 has 6.1)' };
  }
}

export const doctorCommand: CommandDef = {
  name: 'doctor',
  summary: 'check that this machine has what dsu needs, and name what is missing',
  synopsis: ['[--json]'],
  description: 'Checks Node.js, Unicorn (the Debian package libunicorn2, release 2.0.1), the kernel\'s openat2, gcc -m32 with dsu.h for building patches (gcc-multilib) and qemu-i386 for the benchmarks (qemu-user). Exit status 0 when everything dsu run needs is there (the optional ones are reported), 1 otherwise.',
  options: [jsonOption('the checks')],
  positional: 'none',
  async run(p) {
    if (p.rest.length > 0) throw new UsageError(`unexpected argument ${p.rest[0]}`);
    const checks = [checkNode(), checkUnicorn(), checkOpenat2(), checkPatchCompiler(), checkQemu()];
    const ok = checks.every((c) => c.ok || !c.required);
    if (p.flags.has('json')) printJson({ ok, checks }, 1);
    else {
      const lines = checks.map((c) => `${c.ok ? 'ok     ' : c.required ? 'MISSING' : 'missing'}  ${c.name.padEnd(13)} ${escapeText(c.detail)}${c.ok ? '' : `\n${' '.repeat(24)}needed for ${c.neededFor}: ${c.fix}`}`);
      lines.push(ok ? 'dsu can run programs here' : 'dsu cannot run programs here until the MISSING ones are installed');
      printOut(lines.join('\n') + '\n');
    }
    return ok ? 0 : 1;
  },
};

export const includeDirCommand: CommandDef = {
  name: 'include-dir',
  summary: 'print the directory of dsu.h, for gcc -I"$(dsu include-dir)"',
  synopsis: ['[--json]'],
  options: [jsonOption('{"includeDir": DIR}')],
  positional: 'none',
  async run(p) {
    if (p.rest.length > 0) throw new UsageError(`unexpected argument ${p.rest[0]}`);
    const dir = includeDir();
    if (!fs.existsSync(path.join(dir, 'dsu.h'))) throw new CommandError(`dsu.h is missing from ${dir}: the installation is incomplete`);
    if (p.flags.has('json')) printJson({ includeDir: dir });
    else printOut(`${dir}\n`);
    return 0;
  },
};
