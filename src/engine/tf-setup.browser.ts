/**
 * Browser variant of tf-setup.ts, swapped in by vite.config.ts for the app's
 * bundles: registers gradients and chained tensor methods from tfjs-core alone,
 * so the worker does not carry tfjs-layers, the converter and an eager WebGL backend.
 * tfjs-core's index comes first: the deep imports read flags that it registers.
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
