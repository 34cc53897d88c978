/** Model handlers: the slot's model kept in IndexedDB and carried as a file. */
import { errorMessage } from '../../engine/errors';
import type { DomainHandlers, WorkerDeps } from '../runtime/handler';
import type { RestoreOutcome } from '../protocol';
import { loadModelParts, metadataOf, modelFileName, modelParts, packModelFile, unpackModelFile, validSettings } from './files';
import { forgetStored, idbStore, loadStored, saveModelParts, saveSettings, type KeyValue } from './persist';

async function restore({ slot }: WorkerDeps): Promise<RestoreOutcome> {
  try {
    const stored = await loadStored();
    if (!stored) return { kind: 'none' };
    const { loaded, restored } = loadModelParts(stored.parts);
    slot.swap(loaded);
    return { kind: 'restored', restored: { ...restored, settings: validSettings(stored.settings) ?? restored.settings } };
  } catch (e) {
    // A record this version cannot use would fail on every start: drop it and say so.
    await forgetStored();
    return { kind: 'dropped', message: `The model kept in this browser could not be loaded and was removed (${errorMessage(e)}).` };
  }
}

type ModelCall = 'restoreModel' | 'saveModel' | 'saveSettings' | 'forgetModel' | 'exportModel' | 'importModel';

/** `kv`: where the model is kept (IndexedDB; a stand-in in tests). */
export function modelHandlers(deps: WorkerDeps, kv: KeyValue = idbStore): DomainHandlers<ModelCall> {
  const { slot, onGpu, gpuTask } = deps;
  return {
    restoreModel: onGpu(async () => restore(deps)),
    // Only reading the weights needs the GPU queue. The write (structured clone and IndexedDB:
    // 0.5 to 0.9 s in Chromium on the 2-core test machine, right after training) goes on beside
    // it, so a test image clicked meanwhile is projected at once instead of after the write.
    saveModel: async ({ settings }) => saveModelParts(await gpuTask(() => modelParts(slot.require(), settings)), kv),
    saveSettings: async ({ settings }) => saveSettings(settings),
    forgetModel: onGpu(async () => {
      slot.swap(null);
      await forgetStored();
      return null;
    }),
    exportModel: onGpu(async ({ settings }) => {
      const model = slot.require();
      return { fileName: modelFileName(model.description), bytes: packModelFile(await modelParts(model, settings)) };
    }),
    importModel: onGpu(async ({ blob, settings }) => {
      const parts = unpackModelFile(new Uint8Array(await blob.arrayBuffer()));
      // Validation happens before the swap: a refused file leaves the loaded model in place.
      const { loaded, restored } = loadModelParts(parts);
      slot.swap(loaded);
      const kept = restored.settings ?? settings;
      // Stored as read (already validated), with metadata rebuilt so that a file without one is complete.
      const saved = await saveModelParts({ ...parts, metadata: metadataOf(loaded.description, kept) });
      return { restored: { ...restored, settings: kept }, saved };
    }),
  };
}
