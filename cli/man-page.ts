// The manual page dsu(1) in roff (man(7) macros), made from the command
// table and the exit statuses the help shows: the package installs it
// (package.json "man", written at pack time).
import type { CommandDef } from './args.js';
import { optionLabel } from './help.js';
import { EXIT_STATUSES } from './help.js';
import { optionsOf } from './args.js';

/** Text as roff: backslashes and leading dots or quotes cannot become requests. */
function roff(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

export function manPage(table: readonly CommandDef[], version: string): string {
  const out = [
    `.TH DSU 1 "" "dsu-x86 ${roff(version)}" "User Commands"`,
    '.SH NAME',
    'dsu \\- run 32\\-bit x86 Linux programs in an emulator and update them while they run',
    '.SH SYNOPSIS',
    ...table.flatMap((d) => d.synopsis.map((s) => `.B dsu ${d.name}\n${s ? `${roff(s)}\n` : ''}.br`)),
    '.B dsu \\-\\-version',
    '.SH DESCRIPTION',
    roff('dsu runs real 32-bit x86 Linux ELF programs (built with gcc -m32) inside the Unicorn CPU emulator, with a Linux system-call layer over the host\'s files and sockets in a sandbox, and replaces functions of a running program with those of a patch (a shared object) at a moment none of them runs.'),
    '.PP',
    roff('Every command takes --help; with --json a command prints its report, and its failure, as JSON on stdout ({"error": {"command", "status", "kind", "message"}}) besides the one-line message on stderr.'),
    '.SH COMMANDS',
  ];
  for (const d of table) {
    out.push(`.SS "dsu ${d.name}"`, roff(`${d.summary}.`));
    if (d.description) for (const p of d.description.split('\n\n')) out.push('.PP', roff(p));
    for (const o of optionsOf(d)) out.push('.TP', `.B ${roff(optionLabel(o))}`, roff(o.help + (o.multiple ? ' (repeatable)' : '')));
  }
  out.push('.SH "EXIT STATUS"');
  for (const [code, what] of EXIT_STATUSES) out.push('.TP', `.B ${roff(code)}`, roff(what));
  out.push('.SH FILES', roff('dsu include-dir prints the directory of dsu.h, the header live patches are built with (gcc -I"$(dsu include-dir)").'));
  out.push('.SH "SEE ALSO"', 'qemu\\-i386(1), strace(1), gdb(1)');
  return out.join('\n') + '\n';
}
