/** Test helper: run engine tests on the pure-JS cpu backend in Node. */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export async function useCpu(): Promise<typeof tf> {
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

/**
 * `compute`'s tensor made on the cpu backend (tfjs's reference kernels), then brought back as a
 * new tensor of the backend current before: `inputs` are read first and given to `compute` as
 * cpu tensors.
 */
export async function onCpu(inputs: readonly tf.Tensor[], compute: (...cpu: tf.Tensor[]) => tf.Tensor): Promise<tf.Tensor> {
  const values = await Promise.all(inputs.map((t) => t.data()));
  const back = tf.getBackend();
  await tf.setBackend('cpu');
  const out = tf.tidy(() => compute(...inputs.map((t, i) => tf.tensor(values[i]!, t.shape))));
  const result = await out.data();
  out.dispose();
  await tf.setBackend(back);
  return tf.tensor(result, out.shape);
}
