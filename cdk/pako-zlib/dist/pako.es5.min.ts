/** pizzip's `require('pako/dist/pako.es5.min.js')`, aliased with `pako` (see ../index.ts). */
export { deflateRaw, inflateRaw, Inflate } from '../index.js';
