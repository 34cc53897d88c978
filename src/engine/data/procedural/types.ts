import type { Channels, FloatImage, Mask } from '../../types';

/** Families of procedural normal textures. */
export type TextureFamily = 'fabric' | 'tiles' | 'stone';
export const TEXTURE_FAMILIES: readonly TextureFamily[] = ['fabric', 'tiles', 'stone'];

/** Kinds of synthetic defects. */
export type DefectKind = 'scratch' | 'stain' | 'hole' | 'patch';
export const DEFECT_KINDS: readonly DefectKind[] = ['scratch', 'stain', 'hole', 'patch'];

export interface DefectiveImage {
  image: FloatImage;
  /** 1 exactly where the image differs from generateNormal of the same seed by more than DEFECT_EPSILON. */
  mask: Mask;
  kind: DefectKind;
}

export interface DemoTestImage {
  name: string;
  image: FloatImage;
  /** All zero for 'good' images. */
  mask: Mask;
  kind: DefectKind | 'good';
}

/** A ready-made dataset: normal training images and labelled test images. */
export interface DemoSet {
  family: TextureFamily;
  size: number;
  channels: Channels;
  normal: FloatImage[];
  test: DemoTestImage[];
}

/** RGB triple in [0, 1]. */
export type Rgb = [number, number, number];
