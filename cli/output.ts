// Everything the CLI prints goes through here, with control characters
// escaped (loader/text/terminal-text.ts): names, paths and messages from a
// guest or a patch must not drive the user's terminal. Reports are escaped
// value by value before they are laid out, so a name cannot add a line.
import { escapeLines, escapeStrings, escapeText, terminalJson } from '../loader/text/terminal-text.js';

/** Text dsu laid out itself (newlines kept; any other control character escaped). */
export function printOut(text: string): void {
  process.stdout.write(escapeLines(text));
}

export function printErr(text: string): void {
  process.stderr.write(escapeLines(text));
}

/** "PREFIX: message" on one line of stderr: a message is one line, whatever it holds. */
export function printError(prefix: string, message: string): void {
  process.stderr.write(`${prefix}: ${escapeText(message)}\n`);
}

/** A value as one JSON document on stdout (`indent` as JSON.stringify's). */
export function printJson(value: unknown, indent?: number): void {
  process.stdout.write(terminalJson(value, indent) + '\n');
}

export { escapeStrings, escapeText };
