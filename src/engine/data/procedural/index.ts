/** Procedural textures and defects (see generate.ts). */
export { DEFECT_EPSILON, MIN_DEFECT_PIXELS, defectSizeRange, generateDefective, generateDemo, generateNormal } from './generate';
export { generateHighRes, type HighResOptions, type HighResSet } from './highres';
export { DEFECT_KINDS, TEXTURE_FAMILIES } from './types';
export type { DefectKind, DefectiveImage, DemoSet, DemoTestImage, TextureFamily } from './types';
