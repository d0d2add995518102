// Tables for the "emulator" group: kernels, syscall cost, peak RSS, targets.
import type { KernelFigures, VariantFigures } from './emulator.js';
import { RSS_KERNELS } from './kernels.js';
import { DSU, NATIVE, QEMU } from './runners.js';
import { formatTable, mib, ms, plusMinus, times } from './table.js';

const PHASE_NOTE = 'compute:* and memory:* run one phase of the mixed kernel alone.';

function timeCell(k: KernelFigures, runner: string): string {
  if (k.unavailable[runner]) return 'n/a';
  const w = k.wallMs[runner];
  return w ? `${ms(w.median)} ${plusMinus(w.spread)}` : '-';
}

function kernelTable(f: VariantFigures, runs: number): string {
  const rows = f.kernels.map((k) => [
    k.id,
    k.command.replace(/^c-samples\/build\/bench\//, ''),
    timeCell(k, NATIVE),
    timeCell(k, QEMU),
    timeCell(k, DSU),
    times(k.ratios.dsuOverNative),
    times(k.ratios.dsuOverQemu),
    times(k.ratios.netDsuOverNative),
    times(k.ratios.netDsuOverQemu),
    k.dsu ? String(k.dsu.slices) : '-',
    k.dsu ? String(k.dsu.syscalls) : '-',
  ]);
  const unavailable = f.kernels.flatMap((k) => Object.entries(k.unavailable).map(([r, why]) => `  ${k.id} under ${r}: ${why}`));
  return formatTable(
    ['kernel', 'command', 'native ms', 'qemu-i386 ms', 'dsu ms', 'dsu/nat', 'dsu/qemu', 'net dsu/nat', 'net dsu/qemu', 'slices', 'syscalls'],
    rows,
    {
      title: `Kernels (${f.variant} builds): median wall time of ${runs} interleaved runs, ± half the min-max range`,
      notes: [
        `"net" ratios subtract each runner's start-up time (the startup row) first. ${PHASE_NOTE}`,
        'slices and syscalls: median per dsu run, from dsu run --stats.',
        ...(unavailable.length ? ['unavailable:', ...unavailable] : []),
      ],
    },
  );
}

function cpuCell(k: KernelFigures, runner: string): string {
  if (k.unavailable[runner]) return 'n/a';
  const c = k.cpuMs[runner];
  return c ? ms(c.median) : '-';
}

function cpuTable(f: VariantFigures): string {
  const rows = f.kernels.map((k) => [
    k.id,
    cpuCell(k, NATIVE),
    cpuCell(k, QEMU),
    cpuCell(k, DSU),
    times(k.cpuRatios.dsuOverNative),
    times(k.cpuRatios.dsuOverQemu),
    times(k.cpuRatios.netDsuOverNative),
    times(k.cpuRatios.netDsuOverQemu),
  ]);
  return formatTable(['kernel', 'native', 'qemu-i386', 'dsu', 'dsu/nat', 'dsu/qemu', 'net dsu/nat', 'net dsu/qemu'], rows, {
    title: `CPU time (${f.variant}): median user+system ms of the same runs (getrusage of the child; dsu counts all of Node's threads)`,
    notes: ['A second opinion when other work on the machine inflates wall times; the targets are judged on wall time.'],
  });
}

function syscallTable(f: VariantFigures): string {
  const s = f.syscall;
  const rows = Object.entries(s.perRunner).map(([runner, c]) => [
    runner,
    c.loopWithCallNs.toFixed(1),
    c.emptyLoopNs.toFixed(2),
    c.perSyscallNs.toFixed(1),
    times(c.perSyscallNs / (s.perRunner[QEMU]?.perSyscallNs ?? NaN)),
    c.perSyscallCpuNs.toFixed(1),
    times(c.perSyscallCpuNs / (s.perRunner[QEMU]?.perSyscallCpuNs ?? NaN)),
  ]);
  return formatTable(['runner', 'loop+getppid ns/iter', 'empty loop ns/iter', 'ns per syscall', 'vs qemu-i386', 'CPU ns per syscall', 'vs qemu-i386'], rows, {
    title: `Trivial syscall cost (${f.variant}): whole-process time difference between N=${s.sizes.n1} and N=${s.sizes.n2} ` +
      `getppid calls (empty loop: N=${s.sizes.empty1} and ${s.sizes.empty2}), median over rounds`,
  });
}

function rssTable(f: VariantFigures): string {
  const rows = f.kernels
    .filter((k) => RSS_KERNELS.has(k.id))
    .map((k) => [k.id, mib(k.peakRssKiB[NATIVE] ?? NaN), mib(k.peakRssKiB[QEMU] ?? NaN), mib(k.dsu?.maxRssKiB ?? NaN), mib(k.dsu?.maxRssKiBWorst ?? NaN)]);
  return formatTable(['kernel', 'native', 'qemu-i386', 'dsu (median)', 'dsu (max)'], rows, {
    title: `Peak RSS in MiB (${f.variant}): dsu's Node host process from --stats on every run; native and qemu-i386 from one GNU time run`,
  });
}

function targetTable(f: VariantFigures): string {
  const rows = f.targets.map((t) => [t.name, times(t.measured), t.met ? 'met' : Number.isFinite(t.measured) ? 'MISSED' : 'n/a', t.note]);
  const startup = f.runners.map((r) => `${r} ${ms(f.startupMs[r])} ms`).join(', ');
  return formatTable(['target', 'measured', 'verdict', 'detail'], rows, {
    title: `Targets (${f.variant})`,
    notes: [`start-up (trivial program, whole process): ${startup}`],
  });
}

export function renderVariant(f: VariantFigures, runs: number): string {
  return [kernelTable(f, runs), cpuTable(f), syscallTable(f), rssTable(f), targetTable(f)].join('\n\n');
}
