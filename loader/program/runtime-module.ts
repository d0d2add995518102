// An object loaded in a running program, as the module model reports it:
// where it sits (from the symbolizer's Module), what kind of object it is,
// and its place in load order (the order symbol lookup follows).
import type { Module } from '../symbols/modules.js';

export type ModuleKind = 'exe' | 'interp' | 'lib' | 'linked';

export interface RuntimeModule extends Module {
  kind: ModuleKind;
  /** Run-time address of its dynamic section (link_map l_ld), or 0 when it has none. */
  dynamic: number;
  buildId: string | null;
  /** Load order: the executable first, then the link_map order, then objects dsu linked, in link order. */
  order: number;
}
