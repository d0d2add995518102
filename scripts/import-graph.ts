// The project's import graph, read from the sources with the TypeScript
// parser: which file imports which, and whether an import exists at run time
// or only for types. test/unit/layers.test.ts checks it against the layers
// of docs/ARCHITECTURE.md; run as a script it prints the edges between
// folders and the run-time cycles:
//   node dist/scripts/import-graph.js [ROOT]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Top-level folders that hold the program and its tools. */
export const SOURCE_FOLDERS = ['loader', 'emulator', 'patcher', 'patchgen', 'debugger', 'control', 'cli', 'scripts'];

export interface ImportEdge {
  from: string;
  /** A project file (relative to the root) or a package name. */
  to: string;
  /** Erased at compile time (`import type`, or every name imported is a type). */
  typeOnly: boolean;
  line: number;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
}

function sourceFiles(root: string, folder: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(root, rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}

/** Whether an import or export declaration brings in only types. */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (clause === undefined) return false; // import 'x': run for its effects
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function resolve(root: string, from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier.startsWith('node:') ? specifier : specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const target = path.normalize(path.join(path.dirname(from), specifier));
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, path.join(target, 'index.ts')];
  return candidates.find((c) => fs.existsSync(path.join(root, c))) ?? target;
}

function importsOf(root: string, file: string): ImportEdge[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Expression, typeOnly: boolean, node: ts.Node): void => {
    if (!ts.isStringLiteral(specifier)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    edges.push({ from: file, to: resolve(root, file, specifier.text), typeOnly, line });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      add(node.moduleSpecifier, isTypeOnly(node), node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length > 0) {
      add(node.arguments[0], false, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

export function readImportGraph(root: string, folders = SOURCE_FOLDERS): ImportGraph {
  const files = folders.flatMap((f) => sourceFiles(root, f));
  return { files, edges: files.flatMap((f) => importsOf(root, f)) };
}

/** The top-level folder of a project file, or null for a package. */
export function folderOf(file: string): string | null {
  if (!file.includes('/')) return null;
  return file.split('/')[0];
}

/** Edges between different top-level folders, counted ("patcher -> loader" => n). */
export function folderEdges(graph: ImportGraph, runtimeOnly = false): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of graph.edges) {
    if (runtimeOnly && e.typeOnly) continue;
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === null || b === null || a === b) continue;
    const key = `${a} -> ${b}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([x], [y]) => x.localeCompare(y)));
}

/**
 * Groups of project files that import each other at run time (strongly
 * connected components of more than one file, or a file importing itself):
 * each is a cycle in which module evaluation order decides what is defined.
 */
export function runtimeCycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.typeOnly || folderOf(e.to) === null) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  // Tarjan's algorithm, iterative so deep chains cannot overflow the stack
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const start of graph.files) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const succ = next.get(top.node) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          group.push(w);
        } while (w !== top.node);
        if (group.length > 1 || succ.includes(top.node)) cycles.push(group.sort());
      }
    }
  }
  return cycles;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const graph = readImportGraph(root);
  console.log(`${graph.files.length} files, ${graph.edges.filter((e) => folderOf(e.to) !== null).length} imports between project files`);
  console.log('edges between folders (all imports / run-time imports):');
  const runtime = folderEdges(graph, true);
  for (const [key, n] of folderEdges(graph)) console.log(`  ${key}: ${n} / ${runtime.get(key) ?? 0}`);
  const cycles = runtimeCycles(graph);
  console.log(`run-time import cycles: ${cycles.length}`);
  for (const c of cycles) console.log(`  ${c.join(' <-> ')}`);
}
