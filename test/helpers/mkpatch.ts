// Running `dsu mkpatch` as a user would (its command line, --json report,
// exit status and one-line errors), and the rule pairs of c-samples/mkpatch
// (RULE/v1, RULE/v2, built as build/mkpatch/RULE-v1 and -v2).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, REPO } from './run.js';
import { dsu } from './patching.js';

export const MKPATCH_SAMPLES = path.join(REPO, 'c-samples', 'mkpatch');

/** What `dsu mkpatch --json` reports. */
import type { MkpatchReport } from '../../patchgen/report.js';
export type { MkpatchReport };

export interface MkpatchRun {
  status: number | null;
  stderr: string;
  report: MkpatchReport | null;
  /** Where the patch would be written. */
  output: string;
}

/** `dsu mkpatch ARGS --json -o OUT` (OUT in a fresh directory unless given; a large program's two builds may need more than 10 minutes). */
export async function mkpatchCli(args: string[], output?: string, timeoutMs = 600_000): Promise<MkpatchRun> {
  const out = output ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-mkpatch-test-')), 'patch.so');
  const r = await dsu(['mkpatch', ...args, '--json', '-o', out], { timeoutMs });
  let report: MkpatchReport | null = null;
  try {
    const parsed = JSON.parse(r.stdout) as MkpatchReport | { error: string };
    if ('decisions' in parsed) report = parsed;
  } catch {
    // no JSON: an error line on stderr
  }
  return { status: r.status, stderr: r.stderr, report, output: out };
}

/** Fails the test with the generator's own words unless a patch was written. */
export async function mkpatchOk(args: string[], output?: string): Promise<MkpatchReport & { patch: string }> {
  const r = await mkpatchCli(args, output);
  if (r.status !== 0 || !r.report?.ok || !r.report.patch) throw new Error(`dsu mkpatch ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.report ? JSON.stringify(r.report.refused) : ''}`);
  return r.report as MkpatchReport & { patch: string };
}

/** The gcc command a rule pair is built with (flags.txt, plus the rule's extra-flags.txt). */
export function ruleBuild(rule: string): string {
  const flags = fs.readFileSync(path.join(MKPATCH_SAMPLES, 'flags.txt'), 'utf8').trim();
  const extraFile = path.join(MKPATCH_SAMPLES, rule, 'extra-flags.txt');
  const extra = fs.existsSync(extraFile) ? ` ${fs.readFileSync(extraFile, 'utf8').trim()}` : '';
  return `gcc ${flags}${extra} -o prog *.c`;
}

/** --old, --new, --build and --program for a rule pair. */
export function ruleArgs(rule: string, more: string[] = []): string[] {
  return [
    '--old', path.join(MKPATCH_SAMPLES, rule, 'v1'), '--new', path.join(MKPATCH_SAMPLES, rule, 'v2'),
    '--build', ruleBuild(rule), '--program', path.join(BUILD, 'mkpatch', `${rule}-v1`), ...more,
  ];
}

export const ruleProgram = (rule: string, version: 'v1' | 'v2'): string => path.join(BUILD, 'mkpatch', `${rule}-${version}`);

/** The names of a report's decisions, sorted, for exact comparisons. */
export function decided(r: MkpatchReport): { replaced: string[]; added: string[]; copiedIn: string[]; leftOut: string[] } {
  const names = (xs: { name: string }[]): string[] => xs.map((x) => x.name).sort();
  return { replaced: names(r.decisions.replaced), added: names(r.decisions.added), copiedIn: names(r.decisions.copiedIn), leftOut: names(r.decisions.leftOut) };
}

const SAMPLES = path.join(REPO, 'c-samples');
/** The flags c-samples/Makefile builds the servers with (CFLAGS, and dsu.h for bank). */
const SERVER_FLAGS = '-m32 -O2 -g -Wall -Wno-unused-result -fPIE -pie';

/**
 * `dsu mkpatch` arguments for one step of a sample server's version stream
 * (c-samples/SERVER/vN -> vM), against the build the Makefile made of vN,
 * with the hand-written transfer of the matching hand-built patch case.
 */
export function streamArgs(server: 'kvstore' | 'httpd' | 'bank', from: string, to: string, transfer?: string): string[] {
  const include = server === 'bank' ? ` -I${path.join(REPO, 'patcher', 'include')}` : '';
  return [
    '--old', path.join(SAMPLES, server, from), '--new', path.join(SAMPLES, server, to),
    '--build', `gcc ${SERVER_FLAGS}${include} -o ${server} *.c`,
    '--program', path.join(BUILD, server, `${server}-${from}`),
    '--target', `${server}-${from}`, '--version', `${server}-${to}`,
    ...(transfer ? ['--transfer', transfer] : []),
  ];
}

/** The functions a hand-built patch defines that the program has: what it replaces. */
export function handBuiltReplaces(patch: string, program: string): string[] {
  const names = (file: string, local: boolean): Set<string> => {
    const out = new Set<string>();
    const text = execFileSync('nm', ['--defined-only', file], { encoding: 'utf8' });
    for (const line of text.split('\n')) {
      const m = /^[0-9a-f]+ ([tTwW]) (\S+)$/.exec(line);
      if (m && (local || m[1] !== 't')) out.add(m[2]);
    }
    return out;
  };
  const program_ = names(program, true);
  return [...names(patch, true)].filter((n) => program_.has(n) && !n.startsWith('__x86.') && !n.startsWith('dsu_')).sort();
}
