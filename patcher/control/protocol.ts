// The control channel's wire format: one JSON object per line in each
// direction. A request names a command; the answer carries the same id.
export interface Request {
  id: number;
  cmd: string;
  args?: Record<string, unknown>;
}

export interface Response {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** A failure to report to the client as a one-line message. */
export class ControlError extends Error {}

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
  if (r.args !== undefined && (typeof r.args !== 'object' || r.args === null)) throw new ControlError('malformed request (args)');
  return r as Request;
}
