// The control channel's wire format: one JSON object per line in each
// direction. A request names a command (control/commands.ts says which, with
// their arguments and results); the answer carries the same id. An error
// travels as one line of text: errorMessage() is the one place that turns
// what a handler threw into it.
import { PatcherError } from '../patcher/errors.js';

/**
 * The protocol's version. A request may carry it as `v`; a server refuses a
 * request of another version (a client may leave it out: version 1). An
 * answer always carries the server's. Raised when a command's arguments or
 * results change meaning; new commands and new result fields keep it.
 */
export const PROTOCOL_VERSION = 1;

export interface Request {
  /** The protocol version the client speaks (PROTOCOL_VERSION); absent means 1. */
  v?: number;
  id: number;
  cmd: string;
  args?: Record<string, unknown>;
}

export interface Response {
  /** The server's PROTOCOL_VERSION. */
  v: number;
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
  /** With an error: the exit status the client gives it (patcher/errors.ts ExitStatus), when not 1. */
  status?: number;
}

/** A failure of the channel itself (connection, framing, arguments), reported as a one-line message. */
export class ControlError extends Error {
  override readonly name = 'ControlError';
  /** The exit status a client gives this failure (the server's, when it sent one). */
  constructor(message: string, readonly status = 1) {
    super(message);
  }
}

export function parseRequest(line: string): Request {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new ControlError('malformed request (not JSON)');
  }
  const r = v as Partial<Request>;
  if (typeof r !== 'object' || r === null || typeof r.id !== 'number' || typeof r.cmd !== 'string') {
    throw new ControlError('malformed request (needs id and cmd)');
  }
  if (r.args !== undefined && (typeof r.args !== 'object' || r.args === null || Array.isArray(r.args))) throw new ControlError('malformed request (args)');
  return r as Request;
}

/** Refuses a request of another protocol version (one without `v` is version 1). */
export function checkVersion(r: Request): void {
  if (r.v !== undefined && r.v !== PROTOCOL_VERSION) {
    throw new ControlError(`control protocol version ${String(r.v)} is not spoken here (this dsu speaks version ${PROTOCOL_VERSION}): use a client of the same dsu release`);
  }
}

/** The exit status that goes with an error on the wire (1 unless the patcher says which failure it was). */
export function errorStatus(e: unknown): number {
  return e instanceof PatcherError || e instanceof ControlError ? e.status : 1;
}

/** What the client is told when a command fails: the explanation of a known refusal, else an internal error. */
export function errorMessage(e: unknown): string {
  if (e instanceof ControlError || e instanceof PatcherError) return e.message;
  return `internal error: ${e instanceof Error ? e.message : String(e)}`;
}
