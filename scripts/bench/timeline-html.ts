// The patching group's picture: one self-contained HTML file (no network,
// no external script) showing requests per second and p99 latency over
// time through a stream of patches, each patch marked with its pause and
// the stall the report gives. The data is embedded as JSON and an inline
// script draws it as SVG, so a browser that renders the page has run the
// drawing (test/integration/bench-timeline-html.test.ts opens it in
// headless Chromium and counts what was drawn).

export interface TimelineBucket {
  /** Start of the bucket, ms from the beginning of the run. */
  atMs: number;
  requestsPerSecond: number;
  /** p99 latency of the requests completed in the bucket, ms (NaN: none completed). */
  p99Ms: number;
}

export interface TimelinePatch {
  /** When the patch command was sent, ms from the beginning of the run. */
  atMs: number;
  pauseMs: number;
  /** The report's longest stretch the program could not run. */
  stallMs: number;
}

export interface Timeline {
  title: string;
  bucketMs: number;
  buckets: TimelineBucket[];
  patches: TimelinePatch[];
}

// Runs in the browser: reads the JSON, draws two charts (rps, p99) with the patch markers.
const DRAW = String.raw`
const data = JSON.parse(document.getElementById('timeline-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const W = 960, H = 260, L = 60, R = 20, T = 20, B = 40;
const endMs = Math.max(data.bucketMs, ...data.buckets.map(b => b.atMs + data.bucketMs), ...data.patches.map(p => p.atMs));
const x = ms => L + (ms / endMs) * (W - L - R);
function el(name, attrs, parent, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}
function chart(id, label, key, unit) {
  const values = data.buckets.map(b => b[key]).filter(v => v !== null && Number.isFinite(v));
  const top = Math.max(1, ...values) * 1.1;
  const y = v => T + (1 - v / top) * (H - T - B);
  const svg = el('svg', { id, class: 'chart', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H }, document.getElementById('charts'));
  el('text', { x: L, y: 14, class: 'label' }, svg, label);
  el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }, svg);
  el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }, svg);
  for (let i = 0; i <= 4; i++) {
    const v = (top / 4) * i;
    el('text', { x: L - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, svg, v >= 100 ? Math.round(v) : v.toFixed(1));
  }
  for (let s = 0; s <= endMs; s += 1000) el('text', { x: x(s), y: H - B + 16, class: 'tick', 'text-anchor': 'middle' }, svg, (s / 1000) + ' s');
  for (const p of data.patches) {
    const g = el('g', { class: 'patch' }, svg);
    el('line', { x1: x(p.atMs), y1: T, x2: x(p.atMs), y2: H - B, class: 'patch-mark' }, g);
    el('title', {}, g, 'patch at ' + (p.atMs / 1000).toFixed(2) + ' s: pause ' + p.pauseMs.toFixed(3) + ' ms, stall ' + p.stallMs.toFixed(3) + ' ms');
  }
  const points = data.buckets.filter(b => b[key] !== null && Number.isFinite(b[key]));
  el('polyline', { class: 'series ' + key, fill: 'none', points: points.map(b => x(b.atMs + data.bucketMs / 2) + ',' + y(b[key])).join(' ') }, svg);
  for (const b of points) {
    const c = el('circle', { class: 'point ' + key, cx: x(b.atMs + data.bucketMs / 2), cy: y(b[key]), r: 2.5, 'data-value': b[key] }, svg);
    el('title', {}, c, (b.atMs / 1000).toFixed(1) + ' s: ' + b[key].toFixed(key === 'p99Ms' ? 2 : 0) + ' ' + unit);
  }
}
chart('rps', 'requests per second', 'requestsPerSecond', 'req/s');
chart('p99', 'p99 latency (ms)', 'p99Ms', 'ms');
const table = document.getElementById('patches');
for (const p of data.patches) {
  const tr = document.createElement('tr');
  tr.className = 'patch-row';
  for (const v of [(p.atMs / 1000).toFixed(2), p.pauseMs.toFixed(3), p.stallMs.toFixed(3)]) {
    const td = document.createElement('td');
    td.textContent = v;
    tr.appendChild(td);
  }
  table.appendChild(tr);
}
`;

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The page; NaN latencies (empty buckets) become null in the JSON. */
export function timelineHtml(t: Timeline): string {
  // "<" escaped so no value can close the script element
  const json = JSON.stringify(t, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(t.title)}</title>
<style>
body { font: 14px sans-serif; margin: 20px; color: #222; }
.axis { stroke: #555; } .tick { font-size: 11px; fill: #555; } .label { font-weight: bold; }
.series.requestsPerSecond { stroke: #1f77b4; stroke-width: 1.5; } .point.requestsPerSecond { fill: #1f77b4; }
.series.p99Ms { stroke: #d62728; stroke-width: 1.5; } .point.p99Ms { fill: #d62728; }
.patch-mark { stroke: #999; stroke-dasharray: 3 3; }
table { border-collapse: collapse; margin-top: 12px; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
</style></head>
<body>
<h1>${escapeHtml(t.title)}</h1>
<p>Buckets of ${t.bucketMs} ms; dashed lines: patches (hover for the pause and the stall the report gives).</p>
<div id="charts"></div>
<table id="patches"><tr><th>patch at (s)</th><th>pause (ms)</th><th>stall (ms)</th></tr></table>
<script type="application/json" id="timeline-data">${json}</script>
<script>${DRAW}</script>
</body></html>
`;
}
