// An object's initialisers and finalisers as ld.so runs them: DT_INIT then
// the DT_INIT_ARRAY entries (relocated words, used as they are); at exit the
// DT_FINI_ARRAY entries backwards, then DT_FINI.
import { DT_FINI, DT_FINI_ARRAY, DT_FINI_ARRAYSZ, DT_INIT, DT_INIT_ARRAY, DT_INIT_ARRAYSZ } from '../elf/constants.js';
import { ProblemList } from './errors.js';
import { SharedObject } from './shared-object.js';
import { LinkImage } from './link-image.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function readArray(obj: SharedObject, image: LinkImage, addrTag: number, sizeTag: number, what: string, problems: ProblemList): number[] {
  const addr = obj.dynamic?.get(addrTag);
  if (addr === undefined) return [];
  const size = obj.dynamic?.get(sizeTag) ?? 0;
  if (size % 4 !== 0 || (size > 0 && !image.contains(addr, size))) {
    problems.add({ kind: 'elf', subject: what, message: `${obj.elf.path}: ${what} (${size} bytes at ${hex(addr)}) is not an array of words inside the object` });
    return [];
  }
  const out: number[] = [];
  for (let i = 0; i < size / 4; i++) out.push(image.read32(addr + i * 4));
  return out;
}

/** Run-time addresses, read from the relocated image. */
export function initAndFini(obj: SharedObject, image: LinkImage, bias: number, problems: ProblemList): { initializers: number[]; finalizers: number[] } {
  const init = obj.dynamic?.get(DT_INIT);
  const fini = obj.dynamic?.get(DT_FINI);
  const initializers = readArray(obj, image, DT_INIT_ARRAY, DT_INIT_ARRAYSZ, 'DT_INIT_ARRAY', problems);
  const finalizers = readArray(obj, image, DT_FINI_ARRAY, DT_FINI_ARRAYSZ, 'DT_FINI_ARRAY', problems).reverse();
  if (init) initializers.unshift((init + bias) >>> 0);
  if (fini) finalizers.push((fini + bias) >>> 0);
  return { initializers, finalizers };
}
