/**
 * tfjs's Identity kernel on the wasm backend, sharing its input's memory (a reference more, as
 * tfjs-wasm's own Reshape does and as the GPU backends' Identity does) instead of copying it.
 * tfjs clones every tensor a gradient keeps for the backward pass (a layer's input, filter and
 * output, each operation's inputs): 77 copies in a 64 px training step, the largest 4 MB, on
 * the one thread the copies run on. Tensors never change once made (tfjs's kernels and the
 * engine's own write only their outputs), so a shared copy reads the same.
 */
import '../tf-setup';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: object): void;
}

/** The Identity kernel: a reference more to the input's memory; `theirs` (tfjs-wasm's) for strings. */
export function sharedIdentity(theirs: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    // Strings live in JavaScript, not tfjs's memory: tfjs's own kernel.
    if (x.dtype === 'string') return theirs(args);
    (args.backend as unknown as RefCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
