/**
 * Contracts shared by every engine stage and by the worker protocol.
 * Images are interleaved HWC; values are floats in [0, 1] unless stated.
 * Nothing here holds a tensor, so every type can cross the worker boundary.
 */

/** Channels of a working image: 1 = grayscale, 3 = colour. */
export type Channels = 1 | 3;

/** Decoded 8-bit pixels as they come from a decoder or a canvas (1, 2, 3 or 4 channels). */
export interface PixelImage {
  width: number;
  height: number;
  /** 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Interleaved, length width * height * channels. */
  data: Uint8Array | Uint8ClampedArray;
}

/** A working image: float values in [0, 1], HWC interleaved, length width * height * channels. */
export interface FloatImage {
  width: number;
  height: number;
  channels: Channels;
  data: Float32Array;
}

/** A binary ground-truth mask, 1 = anomalous pixel; length width * height. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** VAE architecture. One object builds the model; it is saved with the weights. */
export interface VaeConfig {
  /** Working size in pixels (square); a power of two from 16 to 256. */
  size: number;
  channels: Channels;
  /** Latent dimension (e.g. 16 to 256). */
  latent: number;
  /** Filters of the first conv layer; each stride-2 layer doubles it, capped at 8 * width. */
  width: number;
  /** Stride-2 conv layers in the encoder (mirrored in the decoder); default: log2(size) - 2, at most 5. */
  depth?: number;
  /**
   * 'dense' (default): the smallest feature map is flattened into `latent` numbers by dense
   * layers. 'spatial': convolutions keep the map, `latent` numbers per cell.
   */
  bottleneck?: 'dense' | 'spatial';
  /** The reconstruction term of the training loss and of the projection's energy; default squared error. */
  reconstruction?: ReconstructionTerm;
}

/** How far an image is from its reconstruction (model/reconstruction.ts gives the scales). */
export interface ReconstructionTerm {
  kind: 'l2' | 'l1' | 'ssim' | 'mix';
  /** SSIM's Gaussian window side (sigma 1.5): 7 or 11 (default 11). */
  window?: 7 | 11;
  /** SSIM per channel (default) or on luma. */
  on?: 'channels' | 'luma';
  /** 'mix': weight of the SSIM term; the L1 term gets 1 - ssimWeight (default 0.84). */
  ssimWeight?: number;
}

/**
 * How images meet the model's square input; stored with the model, so that test images are
 * prepared as the training images were.
 *   whole    each image resized to size x size: 'letterbox' keeps the aspect ratio (the image
 *            fitted inside the square, the rest a neutral grey that the maps leave out);
 *            'squash' stretches it (models made before the choice existed).
 *   patches  the model trains on random size x size crops of the images scaled by `scale`; a
 *            test image at that scale is projected tile by tile (tiles start every `stride`
 *            pixels) and its maps have the scaled image's resolution.
 */
export type InputLayout = { mode: 'whole'; fit: 'letterbox' | 'squash' } | { mode: 'patches'; scale: number; stride: number };

/** Training hyper-parameters. */
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** KL weight beta (< 1 gives sharper reconstructions). */
  beta: number;
  /** Fraction of the normal images held out for validation and calibration (0 to 0.5). */
  validationSplit: number;
  augment: AugmentConfig;
  seed: number;
  /** 'constant' (default) or 'cosine': linear warm-up, then cosine decay to 5 % of learningRate. */
  schedule?: 'constant' | 'cosine';
  /** Warm-up length as a fraction of the run (cosine only; default 0.05). */
  warmup?: number;
  /** Early stopping: end after this many epochs in a row without a better validation loss (0 or absent: off). */
  patience?: number;
  /** Time budget in seconds: training ends at the epoch's end nearest to it; epochs stays the upper bound. */
  timeBudgetSec?: number;
  /**
   * Denoising: the standard deviation of the coarse noise added to the training inputs (the
   * target stays the clean image; train/corrupt.ts); 0 or absent: off.
   */
  denoise?: number;
}

export interface AugmentConfig {
  flips: boolean;
  /** Random rotations by multiples of 90 degrees (textures). */
  rot90: boolean;
  /** Largest random shift in pixels (wrap-around), 0 = off. */
  maxShift: number;
}

/** Why training ended: all epochs, the time budget, early stopping, a stop request, or a divergence. */
export type TrainEnd = 'epochs' | 'budget' | 'patience' | 'stop' | 'diverged';

/** One progress event of the training loop. */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** Mean per-image loss (recon + beta * kl) of the recent steps. */
  loss: number;
  recon: number;
  kl: number;
  /** Validation loss of the last finished epoch, null before the first one or with no validation set. */
  valLoss: number | null;
  imagesPerSec: number;
  /** Time left: from the steps left at the current pace, capped by the time budget's end. */
  etaMs: number;
  /** Fraction of the run done, 0 to 1: steps over planned steps, or time over the budget when further. */
  fraction: number;
  /** The time budget in ms, null without one. */
  budgetMs: number | null;
  learningRate: number;
}

/** Settings of the iterative energy-based projection (ALGORITHM.md). */
/** The projection's update rule (ProjectionSettings.variant). */
export type ProjectionVariant = 'weighted' | 'calibrated' | 'plain';

/** Every variant, in the order the settings offer them. */
export const PROJECTION_VARIANTS: readonly ProjectionVariant[] = ['weighted', 'calibrated', 'plain'];

export interface ProjectionSettings {
  /** Step size alpha; the energy is summed over the pixels of one image. */
  alpha: number;
  /** Weight of the L1 pull towards x0. */
  lambda: number;
  iterations: number;
  /**
   * 'weighted' multiplies the gradient by (x - f(x))^2 (the paper); 'calibrated' by
   * ((x - f(x)) / g)^2, g the held-out normal residual's gain at the pixel's distance from the
   * edge (the residual calibration's edge gain; 'weighted' without one); 'plain' by nothing.
   */
  variant: ProjectionVariant;
}

/** One step's report from the projection generator. */
export interface ProjectionFrame {
  /** 0 = the input x0; iterations = the final x_T. */
  iteration: number;
  /** E(x_t) = L_r(x, f(x)) + lambda * sum |x - x0| over the image (L_r: the model's reconstruction term). */
  energy: number;
  /** x_t as an image; present every `every` steps and always on the last frame. */
  image?: FloatImage;
}

export type AnomalyMethod = 'residual' | 'projection';

/** The one result contract passed from scoring to metrics to drawing. */
export interface AnomalyResult {
  method: AnomalyMethod;
  /** Image score: the max of scoreMap when there is one, else of the map (after smoothing). */
  score: number;
  /** Per-pixel anomaly map, length width * height, channel mean of |x0 - x|. */
  map: Float32Array;
  width: number;
  height: number;
  /**
   * The same |x0 - x| at the calibration's finer score smoothing (Calibration.score), corrected
   * likewise: the map the score and the verdict's contour come from. Absent when the score is
   * taken on `map` (no score scale: older models, patch models).
   */
  scoreMap?: Float32Array;
}

/**
 * Where image scores are taken: the map smoothed at `sigma` (finer than the map shown, which
 * spreads a small defect over its blur) and corrected with its own edge gain and detail term,
 * measured on the same held-out maps at that smoothing.
 */
export interface ScoreScale {
  sigma: number;
  edgeGain?: number[];
  detail?: DetailTerm;
}

/** Threshold fixed on held-out normal images; heat maps use this scale, never per-image min-max. */
export interface Calibration {
  /** Pixel threshold: the `percentile` of the held-out normal pixel scores. */
  pixelThreshold: number;
  /** Image threshold: the `percentile` of held-out normal image scores (max over pixels, at `score`'s smoothing when there is one). */
  imageThreshold: number;
  percentile: number;
  /** Upper end of the heat map colour scale. */
  scaleMax: number;
  method: AnomalyMethod;
  samples: number;
  /**
   * Edge correction (score/edges.ts): the gain per distance from the map's edge that this
   * method's maps are divided by, measured on the same held-out maps; absent in older files and
   * for patch models (their maps are stitched from tiles), whose maps are used as they are.
   */
  edgeGain?: number[];
  /** Missing-detail term (score/detail.ts) added to this method's maps; absent as edgeGain is. */
  detail?: DetailTerm;
  /** The finer smoothing image scores and imageThreshold are taken at; absent: on the maps themselves (older files, patch models). */
  score?: ScoreScale;
}

/** The missing-detail term of a method: the normal images' local detail and its weight in map units. */
export interface DetailTerm {
  /** Low tail (1 % quantile) and median of the normal images' local detail. */
  low: number;
  median: number;
  /** Map units added per unit of shortfall: DETAIL_WEIGHT x the method's pixel threshold. */
  scale: number;
}

/** The calibrations of a model, and the projection settings the projection's was made at. */
export interface CalibrationSet {
  residual?: Calibration;
  projection?: Calibration;
  /** Projection settings of the projection's calibration; null when it has none. */
  at: ProjectionSettings | null;
}

/**
 * The one description of a trained model, from the engine to the file to the page: what the
 * weights need (format, config) and what the page shows (calibration, provenance).
 */
export interface ModelDescription {
  format: 'manifold-lens-vae';
  formatVersion: 1;
  appVersion: string;
  config: VaeConfig;
  train?: Partial<TrainConfig>;
  calibration: CalibrationSet;
  /** How images are fitted to the model; absent in older files (then whole images, squashed). */
  input?: InputLayout;
  /** Gaussian smoothing of the maps in px, the calibration's too; absent in older files (then size / 64). */
  smoothSigma?: number;
  trainedAt: string;
  epochsDone: number;
  /** Training was stopped (by the person, a budget or a diverging loss) before its last epoch. */
  stopped: boolean;
  finalLoss: number | null;
}

/** A named weight, plain data. */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A model as plain data: what export/import, IndexedDB and the worker protocol carry. */
export interface ModelArtifacts {
  meta: ModelDescription;
  weights: NamedWeight[];
}
