/** Saves a Blob as a file through a temporary link (the page's own download, nothing uploaded). */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser reads the URL after click() returns; revoke once it surely has.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An RGBA image as a PNG Blob, drawn through a canvas at its own resolution. */
export function rgbaToPng(img: { width: number; height: number; data: Uint8ClampedArray }): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('This browser cannot draw to a canvas.'));
  ctx.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  return canvasToPng(canvas);
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The image could not be encoded as PNG.'))), 'image/png'));
}

/** A name safe for a file: the test image's base name without its extension. */
export function baseName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).replace(/[^\w.-]+/g, '_') || 'image';
}
