/**
 * The worker's handlers for keeping, sharing and evaluating (issue 4): IndexedDB persistence,
 * model files, ground-truth masks and batch evaluation. ml.worker.ts spreads them into its
 * handler table and lends the model slot through KeepDeps.
 */
import { maskFromPixels } from '../engine/data/image';
import { errorMessage, isEngineError } from '../engine/errors';
import type { Vae } from '../engine/model/autoencoder';
import type { JobContext } from './context';
import { decodeImage } from './decode';
import { Evaluator } from './evaluate';
import type { ImageStore } from './images';
import type { AttachMasksResult, MaskFile, RestoreOutcome } from './keepProtocol';
import { loadModelParts, metadataOf, modelFileName, modelParts, packModelFile, unpackModelFile, validSettings } from './modelFiles';
import { forgetStored, loadStored, saveModelParts, saveSettings } from './persist';
import type { CallArgs, CallEvent, CallName, CallResult } from './protocol';

type Handler<K extends CallName> = (args: CallArgs<K>, ctx: JobContext<CallEvent<K>>) => Promise<CallResult<K>>;
type KeepCall = 'restoreModel' | 'saveModel' | 'saveSettings' | 'forgetModel' | 'exportModel' | 'importModel' | 'attachMasks' | 'evaluate' | 'evaluationData';

export interface KeepDeps {
  store: ImageStore;
  onGpu<K extends CallName>(h: Handler<K>): Handler<K>;
  model(): Vae | null;
  /** Swaps in a new model (or none) and disposes the old one. */
  setModel(vae: Vae | null): void;
  requireModel(): Vae;
}

async function attachMasks(store: ImageStore, masks: MaskFile[]): Promise<AttachMasksResult> {
  const out: AttachMasksResult = { attached: [], rejected: [] };
  for (const m of masks) {
    try {
      const { pixels } = await decodeImage(m.blob);
      store.get('test', m.testId).mask = maskFromPixels(pixels, pixels.width, pixels.height);
      out.attached.push(m.testId);
    } catch (e) {
      out.rejected.push({ name: m.name, reason: `mask could not be read: ${isEngineError(e) ? e.message : errorMessage(e)}` });
    }
  }
  return out;
}

async function restore(deps: KeepDeps): Promise<RestoreOutcome> {
  let stored;
  try {
    stored = await loadStored();
    if (!stored) return { kind: 'none' };
    const { vae, restored } = loadModelParts(stored.parts);
    deps.setModel(vae);
    return { kind: 'restored', restored: { ...restored, settings: validSettings(stored.settings) ?? restored.settings } };
  } catch (e) {
    // A record this version cannot use would fail on every start: drop it and say so.
    await forgetStored();
    return { kind: 'dropped', message: `The model kept in this browser could not be loaded and was removed (${errorMessage(e)}).` };
  }
}

export function keepHandlers(deps: KeepDeps): { [K in KeepCall]: Handler<K> } {
  const evaluator = new Evaluator();
  return {
    restoreModel: deps.onGpu(async () => restore(deps)),
    saveModel: deps.onGpu(async ({ model, settings }) => saveModelParts(await modelParts(deps.requireModel(), model, settings))),
    saveSettings: async ({ settings }) => saveSettings(settings),
    forgetModel: deps.onGpu(async () => {
      deps.setModel(null);
      evaluator.last = null;
      await forgetStored();
      return null;
    }),
    exportModel: deps.onGpu(async ({ model, settings }) => ({
      fileName: modelFileName(model),
      bytes: packModelFile(await modelParts(deps.requireModel(), model, settings)),
    })),
    importModel: deps.onGpu(async ({ blob, settings }) => {
      const parts = unpackModelFile(new Uint8Array(await blob.arrayBuffer()));
      // Validation happens before the swap: a refused file leaves the loaded model in place.
      const { vae, restored } = loadModelParts(parts);
      deps.setModel(vae);
      evaluator.last = null;
      const kept = restored.settings ?? settings;
      // Stored as read (already validated), with metadata rebuilt so that a file without one is complete.
      const saved = await saveModelParts({ ...parts, metadata: metadataOf(restored.model, kept) });
      return { restored: { ...restored, settings: kept }, saved };
    }),
    attachMasks: async ({ masks }) => attachMasks(deps.store, masks),
    evaluate: deps.onGpu(async (args, ctx) => evaluator.run(deps.store, deps.requireModel(), args, ctx)),
    evaluationData: async () => evaluator.last,
  };
}
