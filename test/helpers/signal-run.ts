// A program that prints "ready" and is then sent signals from outside, the
// way a user stops or reloads a server: used natively and under `dsu run`.
import { spawn } from 'node:child_process';

export interface SignalledRun {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** Start `argv`, wait for "ready", send `signals` 200 ms apart, collect the outcome. */
export function runAndSignal(argv: string[], signals: NodeJS.Signals[]): Promise<SignalledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && stdout.includes('ready\n')) {
        sent = true;
        signals.forEach((s, i) => setTimeout(() => child.kill(s), 100 + 200 * i));
      }
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status, signal });
    });
  });
}
