/** What a handler gets besides its arguments: its stop flag and a way to send events. */
export interface JobContext<E> {
  id: number;
  /** True once the page cancelled this job; checked between steps. */
  shouldStop(): boolean;
  /** Sends an event; its typed arrays are transferred, so pass fresh copies only. */
  emit(event: E): void;
}

/** A copy of an image whose buffer can be transferred without touching the original. */
export function copyImage<T extends { data: Float32Array }>(img: T): T {
  return { ...img, data: img.data.slice() };
}

/** Runs jobs one after another: the GPU does one thing at a time, in call order. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

/** The ArrayBuffers inside a message (typed arrays in plain objects and arrays), to transfer them. */
export function transferables(value: unknown, out: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (Array.isArray(value)) {
    for (const v of value) transferables(v, out);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Blob)) {
    for (const v of Object.values(value)) transferables(v, out);
  }
  return [...out];
}
