/** A malformed or unsupported ELF file. The message names the file and the field. */
export class ElfError extends Error {
  constructor(readonly file: string, readonly field: string, detail: string) {
    super(`${file}: ${detail}${field ? ` (${field})` : ''}`);
    this.name = 'ElfError';
  }
}
