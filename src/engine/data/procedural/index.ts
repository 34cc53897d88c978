/** Procedural textures and defects (see generate.ts). */
export { DEFECT_EPSILON, MIN_DEFECT_PIXELS, defectSizeRange, generateDefective, generateDemo, generateNormal } from './generate';
export { DEFECT_KINDS, TEXTURE_FAMILIES } from './types';
export type { DefectKind, DefectiveImage, DemoSet, DemoTestImage, TextureFamily } from './types';
