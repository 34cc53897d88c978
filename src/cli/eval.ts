/**
 * npm run eval [-- --data DIR] [--size 32] [--epochs 30] ... [--json FILE]
 * Trains a VAE per category and prints pixel ROC AUC, AUPRO (FPR <= 0.3) and image ROC AUC for the plain
 * residual and for the energy-based projection. Progress goes to stderr,
 * the table to stdout, the full report to --json FILE.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { errorMessage } from '../engine/errors';
import { smoothSigmaFor } from '../engine/limits';
import { PROJECTION_VARIANTS, type ProjectionSettings, type ReconstructionTerm } from '../engine/types';
import { highResCategories, mvtecCategories, proceduralCategories, type EvalCategory } from './eval-data';
import type { EvalMode } from './eval-modes';
import { evaluateCategory, type CategoryReport, type EvalSettings } from './evaluate';
import { backendLine, useNodeBackend } from './node-backend';
import { formatTable } from './table';

const USAGE = `usage: npm run eval -- [--data DIR] [--size N] [--epochs N] [--latent N] [--width N] [--beta X]
  [--batch N] [--lr X] [--alpha X[,X..]] [--lambda X[,X..]] [--iterations N[,N..]] [--variant weighted|calibrated|plain[,..]] [--sigma X[,X..]]
  [--normal N] [--test N] [--seed N] [--backend wasm|cpu] [--json FILE]
  [--mode whole|patches] [--scale S] [--stride N] [--patches N] [--highres WxH]
  [--depth N] [--bottleneck dense|spatial] [--denoise STD] [--recon l2|l1|ssim|mix] [--window 7|11] [--luma] [--ssim-weight W] [--schedule constant|cosine] [--patience N] [--budget S]
Lists of values sweep the projection on the same trained model; the first combination is the one reported.
--mode patches trains on random size x size crops (--patches per image) of the images at --scale and
scores test images tile by tile (--stride, default size/2), maps at the scaled image's resolution.
--highres WxH makes the procedural images W x H with 3 to 12 px defects instead of size x size.`;

const { values } = parseArgs({
  options: {
    data: { type: 'string' }, size: { type: 'string', default: '32' }, epochs: { type: 'string', default: '30' },
    latent: { type: 'string', default: '32' }, width: { type: 'string', default: '16' }, beta: { type: 'string', default: '0.01' },
    batch: { type: 'string', default: '16' }, lr: { type: 'string', default: '0.001' }, alpha: { type: 'string', default: '3' },
    lambda: { type: 'string', default: '0.1' }, iterations: { type: 'string', default: '40' }, variant: { type: 'string', default: 'weighted' }, sigma: { type: 'string' },
    normal: { type: 'string', default: '96' }, test: { type: 'string', default: '30' }, seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' }, json: { type: 'string' }, help: { type: 'boolean', default: false },
    mode: { type: 'string', default: 'whole' }, scale: { type: 'string', default: '1' }, stride: { type: 'string' },
    patches: { type: 'string', default: '16' }, highres: { type: 'string' },
    depth: { type: 'string' }, bottleneck: { type: 'string', default: 'dense' }, denoise: { type: 'string', default: '0' }, recon: { type: 'string', default: 'l2' }, window: { type: 'string', default: '11' }, luma: { type: 'boolean', default: false },
    'ssim-weight': { type: 'string', default: '0.84' }, schedule: { type: 'string', default: 'constant' },
    patience: { type: 'string', default: '0' }, budget: { type: 'string', default: '0' },
  },
});

function num(name: string, raw: string | undefined): number {
  const v = Number(raw);
  if (raw === undefined || !Number.isFinite(v)) throw new Error(`--${name} must be a number, got "${raw}"`);
  return v;
}
const list = (name: string, raw: string | undefined) => (raw ?? '').split(',').map((r) => num(name, r.trim()));

/** `raw` when it is one of `choices`; else the option's error, naming the choices. */
function oneOf<T extends string>(flag: string, raw: string | undefined, choices: readonly T[]): T {
  const found = choices.find((c) => c === raw);
  if (found === undefined) throw new Error(`--${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got "${raw}"`);
  return found;
}

function variants(raw: string | undefined): ProjectionSettings['variant'][] {
  return (raw ?? '').split(',').map((v) => oneOf('variant', v.trim(), PROJECTION_VARIANTS));
}

/** --highres WxH as [W, H]. */
function highres(raw: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(raw);
  if (!m) throw new Error(`--highres must be WxH, e.g. 512x384, got "${raw}"`);
  return [Number(m[1]), Number(m[2])];
}

function reconstruction(): ReconstructionTerm {
  const kind = values.recon;
  if (kind !== 'l2' && kind !== 'l1' && kind !== 'ssim' && kind !== 'mix') throw new Error(`--recon must be l2, l1, ssim or mix, got "${kind}"`);
  const window = num('window', values.window);
  if (window !== 7 && window !== 11) throw new Error(`--window must be 7 or 11, got ${window}`);
  return { kind, window, on: values.luma ? 'luma' : 'channels', ssimWeight: num('ssim-weight', values['ssim-weight']) };
}

function settingsFromArgs(): EvalSettings {
  const size = num('size', values.size);
  return {
    mode: oneOf<EvalMode>('mode', values.mode, ['whole', 'patches']), scale: num('scale', values.scale), stride: values.stride === undefined ? Math.max(1, size / 2) : num('stride', values.stride),
    patchesPerImage: num('patches', values.patches),
    size: num('size', values.size), epochs: num('epochs', values.epochs), latent: num('latent', values.latent),
    width: num('width', values.width), ...(values.depth === undefined ? {} : { depth: num('depth', values.depth) }), bottleneck: oneOf('bottleneck', values.bottleneck, ['dense', 'spatial']), denoise: num('denoise', values.denoise), beta: num('beta', values.beta), batch: num('batch', values.batch),
    learningRate: num('lr', values.lr), alphas: list('alpha', values.alpha), lambdas: list('lambda', values.lambda),
    iterations: list('iterations', values.iterations), variants: variants(values.variant), sigma: 0, sigmas: values.sigma === undefined ? [smoothSigmaFor(size)] : list('sigma', values.sigma), seed: num('seed', values.seed),
    reconstruction: reconstruction(), schedule: oneOf('schedule', values.schedule, ['constant', 'cosine']), patience: num('patience', values.patience), budgetSec: num('budget', values.budget),
  };
}

async function main(): Promise<void> {
  if (values.help) return void console.log(USAGE);
  const s = settingsFromArgs();
  const asked = values.backend === 'cpu' ? 'cpu' : 'wasm';
  const backend = await useNodeBackend(asked);
  const log = (line: string) => console.error(line);
  log(backendLine(asked, backend));
  const source = await categorySource(s);
  const categories: Record<string, CategoryReport> = {};
  for (const name of source.names) {
    log(`${name}: loading`);
    const cat = await source.load(name);
    log(`${name}: ${cat.train.length} normal images, ${cat.test.length} test images`);
    categories[name] = await evaluateCategory(cat, s, log);
  }
  const report = { settings: { ...s, backend: backend.name, data: values.data ?? (values.highres ? `procedural ${values.highres}` : 'procedural') }, categories, mean: meanOf(categories) };
  console.log(formatTable(report.categories, report.mean));
  if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2) + '\n');
}

async function categorySource(s: EvalSettings): Promise<{ names: string[]; load: (name: string) => Promise<EvalCategory> }> {
  if (values.data) {
    const mv = await mvtecCategories(values.data);
    return { names: mv.names, load: (name) => (s.mode === 'patches' ? mv.loadNative(name) : mv.load(name, s.size)) };
  }
  const [normal, test] = [num('normal', values.normal), num('test', values.test)];
  const cats = values.highres ? highResCategories(...highres(values.highres), s.seed, normal, test) : proceduralCategories(s.size, s.seed, normal, test);
  return { names: cats.map((c) => c.name), load: async (name) => cats.find((c) => c.name === name)! };
}

function meanOf(cats: Record<string, CategoryReport>) {
  const rs = Object.values(cats);
  const avg = (f: (r: CategoryReport) => number) => rs.reduce((a, r) => a + f(r), 0) / Math.max(1, rs.length);
  return {
    pixelAuroc: { residual: avg((r) => r.pixelAuroc.residual), projection: avg((r) => r.pixelAuroc.projection) },
    aupro: { residual: avg((r) => r.aupro.residual), projection: avg((r) => r.aupro.projection) },
    imageAuroc: { residual: avg((r) => r.imageAuroc.residual), projection: avg((r) => r.imageAuroc.projection) },
    /** The same maps uncorrected and with the edge gain only, at the first sigma (NaN in patch mode). */
    pixelAurocPlain: { residual: avg((r) => r.corrections[0]?.plain.residual ?? NaN), projection: avg((r) => r.corrections[0]?.plain.projection ?? NaN) },
    pixelAurocEdgesOnly: { residual: avg((r) => r.corrections[0]?.edgesOnly.residual ?? NaN), projection: avg((r) => r.corrections[0]?.edgesOnly.projection ?? NaN) },
    trainSeconds: avg((r) => r.trainSeconds),
    msPerProjectionStep: avg((r) => r.msPerProjectionStep),
  };
}

main().catch((e: unknown) => {
  console.error(`eval: ${errorMessage(e)}`);
  process.exit(1);
});
