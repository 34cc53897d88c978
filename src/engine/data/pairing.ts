/**
 * Ground-truth masks paired to test images by file name, for evaluation in the page:
 *   <dir>/<name>_mask.<ext>                    pairs with <dir>/<name>.<any image ext>
 *   <root>/ground_truth/<type>/<name>_mask.png pairs with <root>/test/<type>/<name>.<ext> (MVTec AD)
 * Names are the paths a drop or a folder picker gives ('bottle/test/crack/000.png'), so a whole
 * MVTec category dropped as a folder pairs up. Matching ignores the case of the extension only.
 */

export interface MaskPairing {
  /** Files that are test images (every file that is not a mask). */
  images: string[];
  /** Image name -> its mask's name. */
  masks: Map<string, string>;
  /** Masks whose image is not among the files. */
  orphans: string[];
}

const MASK_RE = /^(.*)_mask\.[^./]+$/i;

function stem(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash ? path.slice(0, dot) : path;
}

/** True for a file named like a mask: <name>_mask.<ext>, or anything under a ground_truth folder. */
export function isMaskName(path: string): boolean {
  return MASK_RE.test(path) || /(^|\/)ground_truth\//.test(path);
}

/** The stem (path without extension) of the image a mask belongs to. */
export function imageStemOf(maskPath: string): string {
  const m = MASK_RE.exec(maskPath);
  const base = m?.[1] ?? stem(maskPath);
  // MVTec: <root>/ground_truth/<type>/<name>  ->  <root>/test/<type>/<name>
  return base.replace(/(^|\/)ground_truth\/([^/]+\/[^/]+)$/, '$1test/$2');
}

/** Splits dropped file names into images and masks and pairs them. */
export function pairMasks(names: readonly string[]): MaskPairing {
  const images = names.filter((n) => !isMaskName(n));
  const byStem = new Map<string, string>();
  for (const img of images) if (!byStem.has(stem(img))) byStem.set(stem(img), img);
  const masks = new Map<string, string>();
  const orphans: string[] = [];
  for (const m of names.filter(isMaskName)) {
    const img = byStem.get(imageStemOf(m));
    if (img === undefined || masks.has(img)) orphans.push(m);
    else masks.set(img, m);
  }
  return { images, masks, orphans };
}
