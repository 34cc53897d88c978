/**
 * The inspect command's inputs: every PNG, JPEG or TIFF under a folder, and each one as the page's
 * worker makes its working image.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pixelsToFloat, resizeFloat, toFloatImage } from '../engine/data/image';
import { letterbox, scaledSize, type ContentBox } from '../engine/data/layout';
import { fitForTiles } from '../engine/tiles/score';
import { errorMessage } from '../engine/errors';
import type { Channels, FloatImage, InputLayout } from '../engine/types';
import { decodeImageFile, sniffFormat } from './decode';
import { InputError } from './inspect-args';
import { fitInside, MAX_STORED_SIDE } from '../worker/dataset/decode';

export interface ImageFile {
  path: string;
  /** Path under DIR with '/' separators: the CSV's file column and the outputs' names. */
  rel: string;
}

/** Enough bytes for the PNG signature, the longest magic number sniffFormat knows. */
const MAGIC_BYTES = 8;

async function head(path: string): Promise<Uint8Array> {
  const f = await open(path, 'r');
  try {
    const buf = new Uint8Array(MAGIC_BYTES);
    const { bytesRead } = await f.read(buf, 0, MAGIC_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}

interface Walk {
  root: string;
  /** Real paths of the folders entered, so a link back up the tree is not followed forever. */
  seen: Set<string>;
  found: ImageFile[];
  log: (line: string) => void;
}

async function visit(w: Walk, path: string): Promise<void> {
  const rel = relative(w.root, path).split(sep).join('/');
  let st;
  try {
    // stat, not Dirent.isDirectory(): a symbolic link to a folder or an image counts as its target.
    st = await stat(path);
  } catch (e) {
    return w.log(`skipped ${rel}: cannot read it (${errorMessage(e)})`);
  }
  if (st.isDirectory()) return walkFolder(w, path);
  if (!st.isFile()) return w.log(`skipped ${rel}: not a file`);
  let bytes;
  try {
    bytes = await head(path);
  } catch (e) {
    return w.log(`skipped ${rel}: cannot read it (${errorMessage(e)})`);
  }
  if (sniffFormat(bytes) === null) return w.log(`skipped ${rel}: not a PNG, JPEG or TIFF image`);
  w.found.push({ path, rel });
}

async function walkFolder(w: Walk, dir: string): Promise<void> {
  const real = await realpath(dir);
  if (w.seen.has(real)) return w.log(`skipped ${relative(w.root, dir) || '.'}: a link back to a folder already read`);
  w.seen.add(real);
  const names = (await readdir(dir)).sort();
  for (const name of names) await visit(w, join(dir, name));
}

/** The images under `dir`, in path order; everything else is named on `log` and skipped. */
export async function listImages(dir: string, log: (line: string) => void): Promise<ImageFile[]> {
  let st;
  try {
    st = await stat(dir);
  } catch (e) {
    const missing = (e as { code?: unknown }).code === 'ENOENT';
    throw new InputError(missing ? `the image folder ${dir} does not exist.` : `the image folder ${dir} cannot be read (${errorMessage(e)}).`);
  }
  if (!st.isDirectory()) throw new InputError(`${dir} is not a folder: give the folder of images to inspect.`);
  const w: Walk = { root: dir, seen: new Set(), found: [], log };
  await walkFolder(w, dir);
  if (w.found.length === 0) throw new InputError(`no PNG, JPEG or TIFF images in ${dir} (sub-folders included).`);
  return w.found;
}

/** The model's input from a file, and the letterbox's box (the maps are cropped to it). */
export interface CliInput {
  image: FloatImage;
  box: ContentBox | null;
}

/**
 * A file as the page's worker hands it to a model of this layout (worker/dataset/inputs.ts):
 * alpha composited on white, the model's channels, then squashed to the working size (models
 * made before layouts), fitted inside it with grey bands (whole images; from the image kept at
 * 256 px at most, as the worker keeps it), or scaled for tiling (patches).
 */
export async function modelInputOf(file: ImageFile, layout: InputLayout, size: number, channels: Channels): Promise<CliInput> {
  const pixels = await decodeImageFile(file.path);
  if (layout.mode === 'whole' && layout.fit === 'squash') return { image: toFloatImage(pixels, { size, channels }), box: null };
  const full = pixelsToFloat(pixels, channels);
  if (layout.mode === 'patches') {
    const { width, height } = scaledSize(full.width, full.height, layout.scale);
    return { image: fitForTiles(resizeFloat(full, width, height), size), box: null };
  }
  const kept = fitInside(full.width, full.height, MAX_STORED_SIDE);
  return letterbox(kept.width === full.width ? full : resizeFloat(full, kept.width, kept.height), size);
}
