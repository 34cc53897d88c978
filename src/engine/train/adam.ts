/**
 * Adam as tfjs's AdamOptimizer computes it, with each weight's update as one kernel where the
 * engine's SIMD kernels run (wasm: kernels/adam.ts), tfjs's ops elsewhere. tfjs's own
 * optimizer makes about fourteen elementwise passes over every weight a step; for the app's
 * model (6.3 M weights, batch 4) they were about a third of its training step on wasm.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';

/** A gradient with its variable's name (tfjs's NamedTensor, which its index does not export). */
type NamedTensor = Parameters<tf.Optimizer['applyGradients']>[0] extends infer T ? (T extends readonly (infer E)[] ? E : never) : never;
import { adamStepSimd, type AdamSettings } from '../kernels/adam';

const BETA1 = 0.9;
const BETA2 = 0.999;

/** The step tfjs's AdamOptimizer takes, in tfjs ops: [w, m, v] after it. */
function adamStepOps(w: Tensor, m: Tensor, v: Tensor, g: Tensor, s: AdamSettings): [Tensor, Tensor, Tensor] {
  const m2 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
  const v2 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
  const step = tf.div(tf.div(m2, s.biasCorrection1), tf.add(tf.sqrt(tf.div(v2, s.biasCorrection2)), s.epsilon));
  return [tf.sub(w, tf.mul(step, s.learningRate)), m2, v2];
}

export class Adam extends tf.Optimizer {
  /** The Adam class name, so a saved configuration reads as tfjs's. */
  static get className(): string {
    return 'Adam';
  }

  private readonly moments: { m: Variable; v: Variable }[] = [];

  constructor(
    public learningRate: number,
    private readonly beta1 = BETA1,
    private readonly beta2 = BETA2,
    private readonly epsilon = tf.backend().epsilon(),
  ) {
    super();
  }

  applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
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
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        const g = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
        if (value === undefined || g === undefined) return;
        const state = (this.moments[i] ??= tf.tidy(() => ({ m: tf.variable(tf.zerosLike(value), false), v: tf.variable(tf.zerosLike(value), false) })));
        const [w2, m2, v2] = adamStepSimd(value, state.m, state.v, g, settings) ?? adamStepOps(value, state.m, state.v, g, settings);
        state.m.assign(m2);
        state.v.assign(v2);
        value.assign(w2);
      });
    });
    this.incrementIterations();
  }

  dispose(): void {
    tf.dispose(this.moments.flatMap((s) => [s.m, s.v]));
    this.moments.length = 0;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
