// What `dsu run` asks of the tracer (--strace and its options), turned into
// a Tracer: the filter parsed, the output opened. Bad settings are refused
// before the program starts. Loaded only when tracing is asked for.
import { I386_SYSCALL_NAMES } from '../syscalls/names.js';
import { parseFilter, FilterError } from './filter.js';
import { fileOutput, stderrOutput } from './output.js';
import { SUBCALL_NAMES } from './subcalls.js';
import { Tracer } from './tracer.js';

export interface TraceSettings {
  /** Print each call (--strace); without it, only the summary. */
  calls: boolean;
  /** strace -c's table at the end (--strace-summary). */
  summary?: boolean;
  /** strace -T (--strace-time). */
  durations?: boolean;
  /** strace -tt (--strace-timestamps). */
  timestamps?: boolean;
  /** strace -r (--strace-relative). */
  relative?: boolean;
  /** strace's -e trace=..., status=..., signal=... (--strace-filter, repeatable). */
  filter?: string[];
  /** strace -o FILE (--strace-file): lines go there instead of stderr. */
  file?: string;
}

export class TraceSettingsError extends Error {}

const KNOWN = new Set([...Object.values(I386_SYSCALL_NAMES), ...SUBCALL_NAMES]);

/**
 * The filter parsed and the output opened (strace opens -o's file before
 * the program starts): a maker of the session's tracer, given the first
 * task's id. Bad settings throw TraceSettingsError.
 */
export function prepareTracer(settings: TraceSettings): (firstTask: number) => Tracer {
  let filter = null;
  if (settings.filter !== undefined && settings.filter.length > 0) {
    try {
      filter = parseFilter(settings.filter, (name) => KNOWN.has(name));
    } catch (e) {
      if (e instanceof FilterError) throw new TraceSettingsError(e.message);
      throw e;
    }
  }
  let output;
  try {
    output = settings.file !== undefined ? fileOutput(settings.file) : stderrOutput();
  } catch (e) {
    throw new TraceSettingsError(`--strace-file ${settings.file}: ${(e as Error).message}`);
  }
  const options = {
    calls: settings.calls,
    summary: settings.summary ?? false,
    durations: settings.durations ?? false,
    timestamps: settings.timestamps ?? false,
    relative: settings.relative ?? false,
    filter,
    output,
  };
  return (firstTask) => new Tracer(options, firstTask);
}
