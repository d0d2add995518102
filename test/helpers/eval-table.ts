// The figures of dsu mkpatch's evaluation on real programs, one row per
// update, as Hicks reported them: functions changed, replaced, left out;
// lines of patch code generated against lines written by hand; whether it
// applied under load with zero errors; the fixed behaviour, where checked.
import fs from 'node:fs';
import path from 'node:path';

export interface EvalRow {
  update: string;
  /** applied, refused (and why), or nothing changed */
  outcome: string;
  changed: number;
  replaced: string[];
  leftOut: string[];
  added: number;
  generated: number;
  handWritten: number;
  /** queries or requests under load, and errors */
  load: string;
  fixChecked: string;
}

/** Writes the rows as a Markdown table (and prints it), for the evaluation's README. */
export function writeEvalTable(file: string, title: string, rows: readonly EvalRow[]): void {
  const lines = [
    `### ${title}`, '',
    '| update | outcome | changed | replaced | left out | added | lines generated | by hand | under load | fixed behaviour |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${[r.update, r.outcome, r.changed, r.replaced.join(', ') || '-', r.leftOut.join(', ') || '-', r.added, r.generated, r.handWritten, r.load || '-', r.fixChecked || '-'].join(' | ')} |`),
    '',
  ];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n'));
  console.log(lines.join('\n'));
}
