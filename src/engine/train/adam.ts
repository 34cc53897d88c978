/**
 * Adam as tfjs's AdamOptimizer computes it, with each weight's update as one kernel where the
 * engine's SIMD kernels run (wasm: kernels/adam.ts), tfjs's ops elsewhere. tfjs's own
 * optimizer makes about fourteen elementwise passes over every weight a step; for the app's
 * model (6.3 M weights, batch 4) they were about a third of its training step on wasm.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';

/** A gradient with its variable's name (tfjs's NamedTensor, which its index does not export). */
type NamedTensor = Parameters<tf.Optimizer['applyGradients']>[0] extends infer T ? (T extends readonly (infer E)[] ? E : never) : never;
import { adamStepSimd, denseAdamStepSimd, type AdamSettings } from '../kernels/adam';

const BETA1 = 0.9;
const BETA2 = 0.999;

/** The step tfjs's AdamOptimizer takes, in tfjs ops: [w, m, v] after it. */
function adamStepOps(w: Tensor, m: Tensor, v: Tensor, g: Tensor, s: AdamSettings): [Tensor, Tensor, Tensor] {
  const m2 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
  const v2 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
  const step = tf.div(tf.div(m2, s.biasCorrection1), tf.add(tf.sqrt(tf.div(v2, s.biasCorrection2)), s.epsilon));
  return [tf.sub(w, tf.mul(step, s.learningRate)), m2, v2];
}

/** One kernel where the engine's kernels run, else tfjs's ops. */
const adamStep = (w: Tensor, m: Tensor, v: Tensor, g: Tensor, s: AdamSettings) => adamStepSimd(w, m, v, g, s) ?? adamStepOps(w, m, v, g, s);

export class Adam extends tf.Optimizer {
  /** The Adam class name, so a saved configuration reads as tfjs's. */
  static get className(): string {
    return 'Adam';
  }

  /** Each variable's moments, by its name. */
  private readonly moments = new Map<string, { m: Variable; v: Variable }>();

  constructor(
    public learningRate: number,
    private readonly beta1 = BETA1,
    private readonly beta2 = BETA2,
    private readonly epsilon = tf.backend().epsilon(),
  ) {
    super();
  }

  applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const gradients: NamedTensorMap = Array.isArray(variableGradients) ? Object.fromEntries(variableGradients.map((v) => [v.name, v.tensor])) : variableGradients;
    this.step(gradients, new Map());
  }

  /**
   * One step: each variable named in `gradients` by its gradient, and each dense layer's weight
   * in `dense` by the gradient x^T dy of its (x, dy) (model/dense.ts DeferredDenseGradients), in
   * one pass where the kernel runs. One step count for all of them.
   */
  step(gradients: NamedTensorMap, dense: ReadonlyMap<Tensor, { x: Tensor2D; dy: Tensor2D }>): void {
    const t = this.iterations + 1;
    const settings: AdamSettings = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      biasCorrection1: 1 - this.beta1 ** t,
      biasCorrection2: 1 - this.beta2 ** t,
    };
    tf.tidy(() => {
      for (const [name, g] of Object.entries(gradients)) {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined || g === undefined) continue;
        const { m, v } = this.momentsOf(value);
        this.assign(value, m, v, adamStep(value, m, v, g, settings));
      }
      for (const [w, { x, dy }] of dense) {
        if (!(w instanceof tf.Variable)) throw new Error('A deferred dense gradient belongs to a tensor that is not a variable.');
        const { m, v } = this.momentsOf(w);
        this.assign(w, m, v, denseAdamStepSimd(x, dy, w, m, v, settings) ?? adamStep(w, m, v, tf.matMul(x, dy, true, false), settings));
      }
    });
    this.incrementIterations();
  }

  private momentsOf(value: Variable): { m: Variable; v: Variable } {
    const known = this.moments.get(value.name);
    if (known !== undefined) return known;
    const made = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(value), false), v: tf.variable(tf.zerosLike(value), false) }));
    this.moments.set(value.name, made);
    return made;
  }

  private assign(w: Variable, m: Variable, v: Variable, [w2, m2, v2]: [Tensor, Tensor, Tensor]): void {
    m.assign(m2);
    v.assign(v2);
    w.assign(w2);
  }

  dispose(): void {
    tf.dispose([...this.moments.values()].flatMap((s) => [s.m, s.v]));
    this.moments.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
