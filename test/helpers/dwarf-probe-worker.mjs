// Worker for test/diff/dwarf-fuzz.test.ts: reads one set of (mutated) DWARF
// sections with the compiled reader (dist/) and asks it everything the
// patcher and mkpatch ask. Replies { ok, summary } or { ok: false, name,
// message } for a thrown error; a hang is seen by the parent's timer.
import { parentPort } from 'node:worker_threads';

const dwarf = await import(new URL('../../dist/loader/dwarf/index.js', import.meta.url).href);

function probe(map) {
  const sections = dwarf.sectionsFrom('mutant', map);
  const info = new dwarf.DwarfInfo(sections);
  const index = new dwarf.DebugIndex(info);
  let n = 0;
  for (const u of index.units) {
    const t = index.lineTable(u.unit);
    n += t ? t.rows.length : 0;
  }
  for (const v of index.allVariables()) {
    n += dwarf.declaration(v.type, v.name).length + dwarf.definition(v.type).length;
    const other = index.variable(v.name, v.unit.file);
    if (other) dwarf.compareLayouts(v.type, other.type);
  }
  for (const f of index.allFunctions()) {
    n += f.params.length + f.inlines.length + f.calls.length;
    dwarf.declaration(f.returns, f.name);
  }
  for (const t of index.allNamedTypes()) n += dwarf.definition(t.type).length;
  for (const u of info.allUnits()) {
    for (const d of u.dies()) {
      if (d.specs.some((s) => s.at === 0x55 || s.at === 0x11)) n += dwarf.dieRanges(d).length;
      if (d.specs.some((s) => s.at === 0x02)) n += dwarf.locationOf(d).length;
    }
  }
  return n;
}

parentPort.on('message', (map) => {
  try {
    parentPort.postMessage({ ok: true, summary: probe(map) });
  } catch (e) {
    parentPort.postMessage({ ok: false, name: e?.name ?? typeof e, message: String(e?.message ?? e), stack: String(e?.stack ?? '') });
  }
});
