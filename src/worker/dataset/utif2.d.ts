/**
 * Types for the part of utif2 the worker uses, mapped in by "paths" in src/engine/tsconfig.json
 * (the lib "webworker" build): the package's own declarations import all of @types/node, which
 * would let Node-only code compile there. Only tsc reads this; tsx and Vite load the package.
 */

/** An image file directory: keys are "t" + tag number (values are arrays), then what decodeImage adds. */
export interface Ifd {
  [tag: `t${number}`]: unknown;
  /** Decompressed samples (16-bit ones little-endian), set by decodeImage. */
  data?: Uint8Array;
  width?: number;
  height?: number;
}

declare const UTIF: {
  /** The IFD chain of a TIFF file, tags only. */
  decode(buffer: ArrayBuffer): Ifd[];
  /** Decompresses the image of one IFD into ifd.data. */
  decodeImage(buffer: ArrayBuffer, ifd: Ifd): void;
};
export default UTIF;
