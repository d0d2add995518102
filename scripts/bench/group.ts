// What every benchmark group provides, and what main gives it.
import { Variant } from './paths.js';

export interface BenchContext {
  /** Timed runs per measurement (the median is reported). */
  runs: number;
  /** Multiplies every kernel's work; 1 is tuned for ~0.5-2 s per run under dsu. */
  scale: number;
  /** Which builds of the C samples to measure. */
  variants: Variant[];
  /** Progress on stderr, so stdout keeps only the tables. */
  progress(message: string): void;
}

export interface GroupReport {
  /** Human-readable tables and notes for stdout. */
  text: string;
  /** Written to bench-results/<group>-<date>.json. */
  json: Record<string, unknown>;
}

export interface BenchGroup {
  name: string;
  summary: string;
  run(ctx: BenchContext): Promise<GroupReport>;
}
