// JSON result files: bench-results/<group>-<date>.json, each with a
// description of the machine so figures from different hosts are not mixed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RESULTS_DIR, REPO } from './paths.js';

function firstLine(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : null;
}

function environment(): Record<string, unknown> {
  return {
    hostname: os.hostname(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    unicorn: firstLine('dpkg-query', ['-W', '-f', '${Version}', 'libunicorn2']),
    qemu: firstLine('qemu-i386', ['--version']),
    gcc: firstLine('gcc', ['--version']),
    commit: firstLine('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']),
    /** 1, 5 and 15 minute load averages when the file was written: other work distorts timings. */
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** A file-name-safe local timestamp: 2024-05-01T13-45-07. */
export function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

export function writeResults(group: string, when: Date, payload: Record<string, unknown>): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${group}-${stamp(when)}.json`);
  const doc = { group, date: when.toISOString(), environment: environment(), ...payload };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}
