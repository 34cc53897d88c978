/**
 * Tensors derived from a weight (its transpose, its flipped filter, its sub-pixel row filters),
 * made once per value of the weight and kept: a projection multiplies by the same derived
 * tensors every step. A weight whose value changed (training assigns new data) gets them made
 * anew and the old ones freed. On wasm keeping them also keeps XNNPACK's packed copy, which it
 * holds for as long as the filter or matrix is the same tensor (a fresh one is repacked on every
 * call). dispose() frees every kept tensor.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

type Derived = Tensor | Tensor[];

interface Entry {
  /** The weight's data when `value` was made. */
  source: object;
  value: Derived;
}

const tensorsOf = (value: Derived): Tensor[] => (Array.isArray(value) ? value : [value]);

export class KeptWeights {
  private readonly kept = new Map<Tensor, Map<string, Entry>>();

  /** make(w) for the current value of w: made once, kept under `kind` until w's value changes. */
  of<T extends Derived>(w: Tensor, kind: string, make: (w: Tensor) => T): T {
    const byKind = this.kept.get(w) ?? new Map<string, Entry>();
    this.kept.set(w, byKind);
    const entry = byKind.get(kind);
    if (entry !== undefined && entry.source === w.dataId) return entry.value as T;
    if (entry !== undefined) tf.dispose(tensorsOf(entry.value));
    const value = tf.tidy(() => make(w));
    tensorsOf(value).forEach((t) => tf.keep(t));
    byKind.set(kind, { source: w.dataId, value });
    return value;
  }

  /** How many tensors are kept. */
  get size(): number {
    let n = 0;
    for (const byKind of this.kept.values()) {
      for (const { value } of byKind.values()) n += tensorsOf(value).length;
    }
    return n;
  }

  dispose(): void {
    for (const byKind of this.kept.values()) {
      for (const { value } of byKind.values()) tf.dispose(tensorsOf(value));
    }
    this.kept.clear();
  }
}
