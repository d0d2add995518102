// Tables and verdicts of the patching group's issue-15 part: the stall of
// the first patch and of later ones (PING probe, next to the pause and the
// stall the report gives), httpd under wrk through its first patch, and
// throughput through a stream of patches (with the HTML picture's path).
import { SETTLE_MS, type FirstPatchSample, type WrkRun } from './patch-first.js';
import type { TimelineRun } from './patch-timeline.js';
import { median } from './stats.js';
import { formatTable, ms } from './table.js';

const STALL_MEDIAN_TARGET_MS = 10;
const STALL_MAX_TARGET_MS = 50;
const STREAM_RPS_TARGET = 0.95;

export interface StallFigures {
  first: FirstPatchSample[];
  wrk: WrkRun[];
  timeline: TimelineRun;
  timelineHtml: string;
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

export function stallReport(f: StallFigures): { text: string; verdicts: string[] } {
  const groups = [
    { name: 'first patch', list: f.first.filter((s) => s.index === 1) },
    { name: 'later patches', list: f.first.filter((s) => s.index > 1) },
  ];
  const probe = formatTable(
    ['patches', 'n', 'client stall med', 'max', 'reported stall med', 'max', 'pause med', 'live after med'],
    groups.map((g) => {
      const col = (k: keyof FirstPatchSample): number[] => g.list.map((s) => s[k]);
      return [g.name, g.list.length, ms(median(col('probeStallMs'))), ms(Math.max(...col('probeStallMs'))), ms(median(col('reportedStallMs'))),
        ms(Math.max(...col('reportedStallMs'))), ms(median(col('pauseMs'))), ms(median(col('totalMs')))];
    }),
    {
      title: 'Stall a client sees (kvstore, 10-function patch, fresh servers): longest gap between PING replies over the patch, ms',
      notes: [
        `each server ran ${SETTLE_MS / 1000} s before its first patch (dsu reads ahead what patching needs meanwhile; the timeline below shows that read at start-up).`,
        'reported stall: the patch report\'s longest stretch the program could not run (its pause included); pause: the program held at the safe point.',
      ],
    },
  );
  const wrkRows = (patched: boolean): WrkRun[] => f.wrk.filter((w) => w.patched === patched);
  const wrk = formatTable(
    ['httpd run', 'n', 'requests/s med', 'max latency med', 'max latency max', 'reported stall med', 'pause med'],
    [false, true].map((patched) => {
      const l = wrkRows(patched);
      return [patched ? 'first patch during the run' : 'no patch', l.length, ms(median(l.map((w) => w.requestsPerSecond))), ms(median(l.map((w) => w.maxLatencyMs))),
        ms(Math.max(...l.map((w) => w.maxLatencyMs))), patched ? ms(median(l.map((w) => w.reportedStallMs))) : '-', patched ? ms(median(l.map((w) => w.pauseMs))) : '-'];
    }),
    { title: 'httpd v1 under dsu, wrk -t1 -c8 for 4 s (fresh server per run): the first patch (httpd-v1-v2) applied 1.5 s in' },
  );
  const t = f.timeline;
  const ratio = t.streamRps / t.quietRps;
  const stream = [
    `Through a stream of patches (${t.title}): ${Math.round(t.streamRps)} requests/s while patches streamed, ${Math.round(t.quietRps)} without (${(ratio * 100).toFixed(1)} %); ` +
      `${t.patches.length} patches, stall med ${ms(median(t.patches.map((p) => p.stallMs)))} ms, max ${ms(Math.max(...t.patches.map((p) => p.stallMs)))} ms` +
      (t.failures.length ? `; ${t.failures.length} failed, e.g. ${t.failures[0]}` : ''),
    `picture: ${f.timelineHtml}`,
  ].join('\n');
  const all = [...f.first.map((s) => s.probeStallMs)];
  const firsts = groups[0].list.map((s) => s.probeStallMs);
  const verdicts = [
    `client-visible stall of a patch <= ${STALL_MEDIAN_TARGET_MS} ms median: first patch ${ms(median(firsts))} ms, all ${ms(median(all))} ms ${verdict(median(firsts) <= STALL_MEDIAN_TARGET_MS && median(all) <= STALL_MEDIAN_TARGET_MS)}`,
    `client-visible stall never > ${STALL_MAX_TARGET_MS} ms: max ${ms(Math.max(...all))} ms (httpd under wrk: max latency ${ms(Math.max(...wrkRows(true).map((w) => w.maxLatencyMs)))} ms with its first patch, ${ms(Math.max(...wrkRows(false).map((w) => w.maxLatencyMs)))} ms without) ${verdict(Math.max(...all) <= STALL_MAX_TARGET_MS)}`,
    `requests/s during a patch every 100 ms >= ${STREAM_RPS_TARGET * 100} % of without: ${(ratio * 100).toFixed(1)} % ${verdict(ratio >= STREAM_RPS_TARGET)}`,
  ];
  return { text: [probe, wrk, stream].join('\n\n'), verdicts };
}
