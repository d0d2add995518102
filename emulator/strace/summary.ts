// --strace-summary: strace -c's table. Per syscall: the share of the time,
// the seconds spent in it, microseconds per call, calls, errors; sorted by
// time (ties in syscall-number order), with strace's column widths. A call
// is counted when it returns (exit and exit_group never do). The time is
// what dsu spent handling the call, the emulator's equivalent of strace's
// system time.
interface Count {
  nr: number;
  calls: number;
  errors: number;
  seconds: number;
}

export class SyscallSummary {
  private readonly counts = new Map<string, Count>();

  add(nr: number, name: string, failed: boolean, seconds: number): void {
    let c = this.counts.get(name);
    if (!c) {
      c = { nr, calls: 0, errors: 0, seconds: 0 };
      this.counts.set(name, c);
    }
    c.calls++;
    if (failed) c.errors++;
    c.seconds += seconds;
  }

  /** The table, one string per line. */
  table(): string[] {
    const rows = [...this.counts.entries()].map(([name, c]) => ({ name, ...c }));
    rows.sort((a, b) => b.seconds - a.seconds || a.nr - b.nr);
    const total = rows.reduce((s, r) => s + r.seconds, 0);
    const calls = rows.reduce((s, r) => s + r.calls, 0);
    const errors = rows.reduce((s, r) => s + r.errors, 0);
    const usecs = (seconds: number, n: number): string => String(Math.trunc((seconds / Math.max(n, 1)) * 1e6));
    const maxAvg = rows.reduce((m, r) => Math.max(m, Math.trunc((r.seconds / r.calls) * 1e6)), 0);
    const widths = {
      percent: 6,
      seconds: Math.max(11, total.toFixed(6).length),
      avg: Math.max(11, String(maxAvg).length),
      calls: Math.max(9, String(calls).length),
      errors: Math.max(9, String(errors).length),
      name: Math.max(16, ...rows.map((r) => r.name.length + 1)),
    };
    const line = (p: string, s: string, a: string, c: string, e: string, n: string): string =>
      `${p.padStart(widths.percent)} ${s.padStart(widths.seconds)} ${a.padStart(widths.avg)} ${c.padStart(widths.calls)} ${e.padStart(widths.errors)} ${n}`;
    const dashes = line(...(['percent', 'seconds', 'avg', 'calls', 'errors', 'name'] as const).map((k) => '-'.repeat(widths[k])) as [string, string, string, string, string, string]);
    const out = [line('% time', 'seconds', 'usecs/call', 'calls', 'errors', 'syscall'), dashes];
    for (const r of rows) {
      const percent = total > 0 ? (100 * r.seconds) / total : 0;
      // strace prints a zero error count as blank
      out.push(line(percent.toFixed(2), r.seconds.toFixed(6), usecs(r.seconds, r.calls), String(r.calls), r.errors ? String(r.errors) : '', r.name));
    }
    out.push(dashes);
    out.push(line('100.00', total.toFixed(6), usecs(total, calls), String(calls), errors ? String(errors) : '', 'total'));
    return out;
  }
}
