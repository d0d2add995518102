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

/**
 * Each address must be code of the object itself: an entry pointing
 * elsewhere (the program's text, a data page) would have dsu call into
 * whatever lies there. ld.so calls it anyway; dsu refuses.
 */
function checkInObject(addresses: number[], image: LinkImage, bias: number, what: string, problems: ProblemList): number[] {
  for (const at of addresses) {
    const linkTime = (at - bias) >>> 0;
    if (!image.executable(linkTime)) {
      problems.add({ kind: 'elf', subject: what, message: `${what} entry ${hex(linkTime)} is not in the object's executable segments` });
    }
  }
  return addresses;
}

/** Run-time addresses, read from the relocated image. */
export function initAndFini(obj: SharedObject, image: LinkImage, bias: number, problems: ProblemList): { initializers: number[]; finalizers: number[] } {
  const init = obj.dynamic?.get(DT_INIT);
  const fini = obj.dynamic?.get(DT_FINI);
  const initializers = checkInObject(readArray(obj, image, DT_INIT_ARRAY, DT_INIT_ARRAYSZ, 'DT_INIT_ARRAY', problems), image, bias, 'DT_INIT_ARRAY', problems);
  const finalizers = checkInObject(readArray(obj, image, DT_FINI_ARRAY, DT_FINI_ARRAYSZ, 'DT_FINI_ARRAY', problems), image, bias, 'DT_FINI_ARRAY', problems).reverse();
  if (init) initializers.unshift(...checkInObject([(init + bias) >>> 0], image, bias, 'DT_INIT', problems));
  if (fini) finalizers.push(...checkInObject([(fini + bias) >>> 0], image, bias, 'DT_FINI', problems));
  return { initializers, finalizers };
}
