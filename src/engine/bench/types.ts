/** The benchmark's data contracts: what one (where, backend, size) run reports. Plain JSON. */

export type BenchWhere = 'node' | 'chromium';

/** Per-kernel time summed over one profiled training or projection step (synchronous backends only). */
export interface KernelTime {
  name: string;
  ms: number;
  calls: number;
}

/** What the shared timing code measures for one backend and size; every time is ms, median. */
export interface BenchMeasurement {
  backend: string;
  size: number;
  /** One Adam step of the VAE loss at batch `batch` (what train.ts runs per step). */
  trainStepMs: number | null;
  /** One projection step (project.ts projectionStep) at batch 1. */
  projectionStepMs: number | null;
  /** One projection step of 16 images projected together (workloads.ts PROJECTION_BATCH). */
  projectionBatchStepMs: number | null;
  /** Throughput of the batched step over 16 single steps: 16 x projectionStepMs / projectionBatchStepMs. */
  batchProjectionSpeedup: number | null;
  /** f(x) = reconstruct(x) at batch 1. */
  forwardMs: number | null;
  /** Value and input gradient of sum((x - f(x))^2) at batch 1: the yardstick of a projection step. */
  forwardBackwardMs: number | null;
  /** projectionStepMs / forwardBackwardMs (target <= 1.5). */
  projectionOverForwardBackward: number | null;
  /** Loss and weight gradients at batch `batch`, no optimizer update. */
  trainForwardBackwardMs: number | null;
  /** The real loop: project() with frames every 2 steps (the app's), per step. */
  projectionLoopStepMs: number | null;
  /** The real loop: trainVae() for one epoch (batches assembled, losses read every few steps), per step. */
  trainLoopStepMs: number | null;
  /** The first training step (shader compiles on GPU backends), run under tf.profile for the peaks. */
  firstTrainStepMs: number | null;
  /** Most tensors alive during one training step (model and optimizer slots included). */
  peakTensors: number | null;
  /** Most bytes held by tensors during one training step. */
  peakBytes: number | null;
  /** tf.memory().numTensors after the size's runs minus before (0 = no leak). */
  tensorsLeaked: number | null;
  /** Timed samples behind each median. */
  samples: Record<string, number>;
  /** Where the time of one training step goes, heaviest kernels first (cpu and wasm only). */
  topKernels: KernelTime[] | null;
  /** The same for one projection step at batch 1. */
  topProjectionKernels: KernelTime[] | null;
  /** Floating-point operations of one training step's convolutions as its kernels ran them (wasm only). */
  trainStepConvFlops: number | null;
  /** The same for one projection step at batch 1 (a batch of 16 does 16 times as many). */
  projectionStepConvFlops: number | null;
  /** GFLOP/s of this thread's 128-bit WebAssembly multiplies and adds: the SIMD kernels' ceiling (wasm only). */
  simdPeakGflops: number | null;
  /** Threads the SIMD kernels share their calls over (this one and the helpers; wasm only). */
  simdThreads: number | null;
  /** Why a figure is null (budget, error). */
  skipped: string[];
  config: { latent: number; width: number; channels: number; batch: number };
}

/** The app's own flow, driven through its UI (rows whose backend is app-<name>). */
export interface AppFigures {
  /** From status 'training' to 'trained' (validation, calibration and UI updates included). */
  trainingMs: number;
  /** From 'projecting' to 'done' for one test image. */
  projectionMs: number;
  longTasksTraining: number;
  longTasksProjection: number;
  longestTaskMs: number;
  /** Longest gap between two animation frames while training / projecting (stutter a person sees; target under 50 ms). */
  longestFrameGapTrainingMs: number;
  longestFrameGapProjectionMs: number;
  /** Gaps between animation frames over 50 ms while training / projecting: how often, where the longest says how bad. */
  frameGapsOver50msTraining: number;
  frameGapsOver50msProjection: number;
  /** The share of the training the page's main thread was busy (0 to 1; script, layout, paint, commits), null where unread. */
  mainThreadBusyTraining: number | null;
  /** Every long task since the page opened (loading the app and the demo included). */
  longTasksWholeSession: number;
  /** The long tasks counted, from the start of their phase. */
  longTasks: { phase: 'training' | 'projection'; atMs: number; durationMs: number }[];
  settings: { epochs: number; batch: number; iterations: number };
  /** What the app's backend badge said (e.g. "WASM, 2 threads"). */
  backend: string;
}

/** Where and when the run happened: the CPU is shared, so load matters for reading the numbers. */
export interface BenchEnv {
  date: string;
  cpus: number;
  loadAverage: number[];
  node: string;
  quick: boolean;
}

/** One row of bench/results-<date>.json. */
export interface BenchRow extends BenchMeasurement {
  where: BenchWhere;
  /** Main-thread long tasks over 50 ms (browser only; null in Node). */
  longTasksOver50ms: number | null;
  app?: AppFigures;
  env?: BenchEnv;
}

export interface BenchOptions {
  sizes: number[];
  /** Timed samples per figure (median of these). */
  repeats: number;
  /** Time cap per size for one backend, warm-ups included. */
  sizeBudgetMs: number;
  /** Also the extras: training forward+backward, the kernel profile, the real loops. */
  extras: boolean;
  /** Time cap for all sizes of one backend; sizes that would start after it are skipped. */
  backendBudgetMs: number;
  latent: number;
  width: number;
  channels: 1 | 3;
  batch: number;
  /** Smallest feature map in px (sets the depth); absent: the model's default depth. */
  bottom?: number;
  /** The model's bottleneck; absent: dense. */
  bottleneck?: 'dense' | 'spatial';
  /** Progress lines (stderr in Node, console in the page). */
  log?: (line: string) => void;
  /** Each size's result as soon as it is done (the browser harness keeps them if a later size hangs). */
  onResult?: (m: BenchMeasurement) => void;
}
