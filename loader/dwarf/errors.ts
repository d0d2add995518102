/**
 * Malformed or unsupported debug information. The message names the file,
 * the section and the offset, so a bad input can be found with readelf.
 */
export class DwarfError extends Error {
  constructor(readonly file: string, readonly section: string, readonly offset: number, detail: string) {
    super(`${file}: ${section}${offset >= 0 ? ` at 0x${offset.toString(16)}` : ''}: ${detail}`);
    this.name = 'DwarfError';
  }
}
