// The patch's metadata as an object of its own: the version it applies to
// and the one it makes (the sections dsu.h's DSU_TARGET and DSU_VERSION
// write), and its identity record (loader/identity).
import { IDENTITY_SECTION, PatchIdentity } from '../../loader/identity/patch-identity.js';
import { writeRelocatable, OutSection } from '../object/write-relocatable.js';
import { SHF_ALLOC } from '../object/relocatable.js';

const cstring = (s: string): Uint8Array => Buffer.from(`${s}\0`, 'utf8');

export function metadataObject(target: string, version: string, identity: PatchIdentity): Uint8Array {
  const section = (name: string, data: Uint8Array, flags: number): OutSection => ({ name, type: 1, flags, align: 1, entsize: 0, data, size: data.length, relocs: [] });
  return writeRelocatable([
    section('.dsu.target', cstring(target), SHF_ALLOC),
    section('.dsu.version', cstring(version), SHF_ALLOC),
    section(IDENTITY_SECTION, cstring(JSON.stringify(identity)), 0),
    section('.note.GNU-stack', new Uint8Array(0), 0),
  ], []);
}
