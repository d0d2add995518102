// The "programs" group's figures and their table: time (or rate) per
// runner, ratios of dsu to native and to qemu-i386, the target verdict
// (dsu ≤ 1.2× qemu-i386 on each workload), and where dsu's time went.
import { DSU, NATIVE, QEMU } from './runners.js';
import { Summary } from './stats.js';
import { formatTable, ms, plusMinus, times } from './table.js';

/** The target of the performance issue: each real workload within 1.2× of qemu-i386. */
const QEMU_TARGET = 1.2;

export interface ProgramFigures {
  id: string;
  what: string;
  command: string;
  kind: 'output' | 'throughput';
  wallMs: Record<string, Summary & { runs: number[] }>;
  /** Throughput workloads: the median rate per runner. */
  bytesPerSecond: Record<string, number>;
  /** Slowdown: wall-time ratio, or the inverse ratio of rates for throughput workloads. */
  dsuOverNative: number;
  dsuOverQemu: number;
  /** dsu's time split from --profile (milliseconds, medians). */
  dsuSplit?: { guestMs: number; syscallMs: number; otherCpuMs: number };
}

function cell(f: ProgramFigures, runner: string): string {
  if (f.kind === 'throughput') {
    const r = f.bytesPerSecond[runner];
    return Number.isFinite(r) ? `${(r / 2 ** 20).toFixed(1)} MiB/s` : '-';
  }
  const w = f.wallMs[runner];
  return w ? `${ms(w.median)} ${plusMinus(w.spread)}` : '-';
}

export function renderPrograms(figures: ProgramFigures[], runs: number): string {
  const rows = figures.map((f) => {
    const s = f.dsuSplit;
    const split = s && f.kind === 'output' ? `${ms(s.guestMs)} / ${ms(s.syscallMs)} / ${ms(s.otherCpuMs)}` : '-';
    const verdict = Number.isFinite(f.dsuOverQemu) ? (f.dsuOverQemu <= QEMU_TARGET ? 'met' : 'MISSED') : '-';
    return [f.id, cell(f, NATIVE), cell(f, QEMU), cell(f, DSU), times(f.dsuOverNative), times(f.dsuOverQemu), verdict, split];
  });
  return formatTable(
    ['workload', 'native (ms)', 'qemu-i386 (ms)', 'dsu (ms)', 'dsu/native', 'dsu/qemu', `≤ ${QEMU_TARGET}× qemu`, 'dsu guest / syscalls / other (ms)'],
    rows,
    {
      title: `programs: real Debian i386 programs, median of ${runs} interleaved runs (whole process, wall time)`,
      notes: [
        'Throughput rows (openssl speed runs a fixed time) give MiB/s and the inverse ratio of rates.',
        'Natively the programs run under chroot into the sysroot; qemu-i386 with -L; dsu with --root.',
        'OpenSSL is told not to use AES-NI, PCLMULQDQ, AVX/AVX2 or SHA-NI (OPENSSL_ia32cap), so all three run the same code.',
        ...figures.map((f) => `  ${f.id}: ${f.what}: ${f.command}`),
      ],
    },
  );
}
