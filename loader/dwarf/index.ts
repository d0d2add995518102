// The DWARF reader's public entry points (see README.md).
export { DwarfError } from './errors.js';
export { debugSections, sectionsFrom, inflateElf, type DebugSections, type DebugSectionName } from './sections.js';
export { DwarfInfo, type DwoLoader } from './info.js';
export type { Die, Attribute, AttrValue } from './die.js';
export { attribute, str, num, ref, flag, nameOf } from './die.js';
export type { Unit, UnitHeader } from './unit.js';
export { DebugIndex, type CompileUnit, type VariableInfo, type FunctionInfo, type InlinedCall, type Parameter, type NamedType } from './debug-index.js';
export { readLineTable, type LineTable, type LineRow, type LineFile } from './line.js';
export { dieRanges, type AddressRange } from './ranges.js';
export { locationOf, staticAddress, type LocationEntry } from './locations.js';
export { TypeModel, resolved, VOID, type DwarfType, type Member, type Enumerator, type TypeKind } from './types.js';
export { compareLayouts, type LayoutDifference, type CompareOptions } from './compare.js';
export { declaration, definition } from './c-decl.js';
export { locateDebugInfo, dwoLoader, parseDebugElf, type FileReader, type LocatedDebugInfo } from './locate.js';
