// The one escaping helper for text from guests and patches: control
// characters a terminal would obey are shown as \xNN (or \u{NNNN}), and
// JSON stays JSON that parses back to the same value.
import { describe, expect, test } from 'vitest';
import { escapeLines, escapeStrings, escapeText, terminalJson } from '../../loader/text/terminal-text.js';

const HOSTILE = 'a\x1b[2J\x1b]0;owned\x07b\r\nc\td\x7f\x9b31m\u202egnp.exe\u2028e\\x41';
/** Anything a terminal acts on, raw. */
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('escapeText', () => {
  test('shows every control character as an escape, on one line', () => {
    expect(escapeText(HOSTILE)).toBe('a\\x1b[2J\\x1b]0;owned\\x07b\\x0d\\x0ac\\x09d\\x7f\\x9b31m\\u{202e}gnp.exe\\u{2028}e\\x41');
    expect(escapeText(HOSTILE)).not.toMatch(RAW_CONTROL);
  });

  test('leaves printable text alone, UTF-8 letters included', () => {
    for (const s of ['counter-v1', '/usr/lib32/libc.so.6', 'naïve_函数', 'a b  c', '']) expect(escapeText(s)).toBe(s);
  });
});

test('escapeLines keeps newlines and escapes the rest', () => {
  expect(escapeLines('one\x1b[1m\ntwo\r\n')).toBe('one\\x1b[1m\ntwo\\x0d\n');
});

test('terminalJson: no raw control character, the same value once parsed', () => {
  const value = { name: HOSTILE, list: [HOSTILE, 1, null, true], nested: { [HOSTILE]: 'x' } };
  for (const indent of [undefined, 1]) {
    const text = terminalJson(value, indent);
    // newlines only as the indentation's own
    expect(text.replace(/\n */g, '')).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toBe(JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u202e\u2028]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
});

test('escapeStrings escapes every string of a report, and nothing else', () => {
  const report = { id: 3, patch: HOSTILE, replaced: [{ function: 'f\n', from: 'v1', pauseMs: 0.5 }], keptMapped: null, ok: true };
  expect(escapeStrings(report)).toEqual({ id: 3, patch: escapeText(HOSTILE), replaced: [{ function: 'f\\x0a', from: 'v1', pauseMs: 0.5 }], keptMapped: null, ok: true });
  expect(report.patch).toBe(HOSTILE);
});
