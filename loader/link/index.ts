// The linker: maps a shared object into a running program (docs/LINKING.md).
export { planLink } from './plan.js';
export type { LinkPlan } from './plan.js';
export { applyLink, unlink } from './apply.js';
export { LinkError } from './errors.js';
export { LinkCache } from './program-symbols.js';
export { OLD_PREFIX } from './resolve.js';
export type { Resolution } from './resolve.js';
export type { LinkOptions, LinkTarget, LinkedObject } from './target.js';
