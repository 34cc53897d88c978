/**
 * Work on a list of files started a few items ahead of the one being used: the browser decodes
 * an image file on its own threads (createImageBitmap), so while this thread reads one image's
 * pixels out, the next ones decode beside it. Each item in flight may hold a full-resolution
 * bitmap until it is read, so only a few, and only where the pixels kept are small (the files
 * dropped in, kept at 256 px): patch mode's decoding at a training scale stays one image at a
 * time (dataset/inputs.ts), as its images can be full-resolution floats.
 *
 * Measured on 2 cores (npm run bench, the memory line): 300 photos of 2 megapixels stored at
 * 18.1 ms a photo one at a time, 14.8 with one ahead, 13.2 with two, 13.3 with three.
 */
export const AHEAD = 2;

export class InOrderAhead<T> {
  private readonly started: (Promise<T> | null)[] = [];

  /** `start(i)` begins item i's work; `count` items in all. */
  constructor(
    private readonly count: number,
    private readonly start: (i: number) => Promise<T>,
    private readonly ahead = AHEAD,
  ) {}

  /** Item i's result (or its failure), with the next `ahead` items started. Each item is taken once. */
  take(i: number): Promise<T> {
    while (this.started.length < Math.min(this.count, i + 1 + this.ahead)) {
      const p = this.start(this.started.length);
      // Its failure is the caller's when it takes it; until then it is not an unhandled one.
      p.catch(() => undefined);
      this.started.push(p);
    }
    const p = this.started[i];
    if (p === null || p === undefined) throw new Error(`item ${i} was taken already`);
    this.started[i] = null;
    return p;
  }
}
