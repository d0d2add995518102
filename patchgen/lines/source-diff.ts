// Which lines of a source file differ between the two trees: the lines of
// the new version that are new or changed, and the lines of the old version
// that are gone (jsdiff's line diff).
import fs from 'node:fs';
import { diffLines } from 'diff';

export interface LineChanges {
  /** 1-based lines of the new file that are added or changed. */
  added: Set<number>;
  /** 1-based lines of the old file that are gone without a replacement (a changed line is in `added` only). */
  removed: Set<number>;
}

export function sourceChanges(oldFile: string, newFile: string): LineChanges | null {
  let a: string;
  let b: string;
  try {
    a = fs.readFileSync(oldFile, 'utf8');
    b = fs.readFileSync(newFile, 'utf8');
  } catch {
    return null;
  }
  const added = new Set<number>();
  const removed = new Set<number>();
  let oldLine = 1;
  let newLine = 1;
  const parts = diffLines(a, b);
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    const n = part.count ?? 0;
    if (part.added) for (let i = 0; i < n; i++) added.add(newLine + i);
    if (part.removed) {
      // removed lines followed by added ones were changed: only the surplus is gone
      const replacedBy = parts[k + 1]?.added ? parts[k + 1].count ?? 0 : 0;
      for (let i = replacedBy; i < n; i++) removed.add(oldLine + i);
    }
    if (!part.added) oldLine += n;
    if (!part.removed) newLine += n;
  }
  return { added, removed };
}
