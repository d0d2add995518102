// Text that came from a guest or a patch (symbol names, paths, module names,
// DSU_TARGET and DSU_VERSION strings, fault reports) is shown with its
// control characters escaped, so that it cannot move the cursor, rewrite
// the screen, set the terminal's title or fake a line of dsu's own output.
// Every place dsu prints text uses these; strace lines keep strace's own
// escaping (octal, as strace shows them) and are not escaped again.
//
// Escaped: C0 controls (newline and tab included), DEL and C1 controls
// (U+0080..U+009F, which a UTF-8 terminal obeys too: U+009B is CSI) as
// \xNN; line and paragraph separators and the bidirectional overrides and
// isolates (which reorder what follows them on the line) as \u{NNNN}.
// Backslashes are left as they are.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/gu;
/** What JSON.stringify leaves raw (it escapes C0 itself; its indentation's newlines must stay). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/gu;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/gu;

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).padStart(4, '0')}}`;
}

/** `text` on one line with every control character escaped (for one value: a name, a path, a message). */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Like escapeText, but newlines stay: for text dsu assembled itself as several lines. */
export function escapeLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls; this also writes
 * DEL, the C1 controls and the separators and bidirectional controls as
 * \uNNNN escapes. The result parses to the same value.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A copy of `value` with escapeText applied to every string in it (for a report about to be formatted as text). */
export function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeText(value) as T;
  if (Array.isArray(value)) return value.map((v) => escapeStrings(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeStrings(v);
    return out as T;
  }
  return value;
}
