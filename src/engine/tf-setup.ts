/**
 * tfjs-core alone registers neither gradients nor the chained tensor methods
 * (x.square().sum()). Their registration files are only reachable as ESM deep
 * imports, which Node's own ESM loader (tsx, the CLI) refuses, while the
 * umbrella package loads everywhere: the browser bundle, Vitest and plain Node.
 * Registries are global, so the engine's '@tensorflow/tfjs-core' imports see them.
 */
import '@tensorflow/tfjs';
