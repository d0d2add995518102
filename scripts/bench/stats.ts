// Summary statistics for repeated timings.

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: how much the runs disagreed. */
  spread: number;
  n: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const med = median(values);
  const min = values.length ? Math.min(...values) : NaN;
  const max = values.length ? Math.max(...values) : NaN;
  return { median: med, min, max, spread: med > 0 ? (max - min) / med : NaN, n: values.length };
}

export function ratio(a: number, b: number): number {
  return b > 0 && Number.isFinite(a) ? a / b : NaN;
}
