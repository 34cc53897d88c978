/** Dataset calls: images in (files, the demo, masks), images out (the working-size test image). */
import type { Channels, FloatImage } from '../../engine/types';

export type ImageSet = 'normal' | 'test';

/** 8-bit RGBA (the layout of ImageData), for thumbnails. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A file handed to the worker to decode. */
export interface FileEntry {
  id: string;
  name: string;
  blob: Blob;
}

/** What the page keeps of a decoded image; the pixels stay in the worker. */
export interface ImageInfo {
  id: string;
  name: string;
  /** Size of the original (before any cap). */
  width: number;
  height: number;
  channels: Channels;
  thumb: RgbaImage;
  /** Demo images: the defect kind ('good' = none). */
  kind?: string;
  hasMask: boolean;
  /** Something the person should know about how the file was read (e.g. one page of several). */
  note?: string;
}

export interface Rejection {
  name: string;
  reason: string;
}

export interface AddImagesResult {
  accepted: ImageInfo[];
  rejected: Rejection[];
}

export interface DemoArgs {
  size: number;
  normal: number;
  test: number;
  seed: number;
}

export interface MaskFile {
  testId: string;
  name: string;
  blob: Blob;
}

export interface AttachMasksResult {
  attached: string[];
  rejected: Rejection[];
}

export interface DatasetCalls {
  addImages: { args: { set: ImageSet; files: FileEntry[] }; result: AddImagesResult; event: { done: number; total: number } };
  demo: { args: DemoArgs; result: { normal: ImageInfo[]; test: ImageInfo[] }; event: never };
  removeImages: { args: { set: ImageSet; ids: string[] | 'all' }; result: { remaining: number }; event: never };
  /**
   * The test image as the worker keeps it (aspect kept, longest side at most 256): demo images
   * and TIFFs have no file the page can show. With `size`, squashed to size x size instead.
   */
  testImage: { args: { testId: string; size?: number }; result: FloatImage; event: never };
  attachMasks: { args: { masks: MaskFile[] }; result: AttachMasksResult; event: never };
}
