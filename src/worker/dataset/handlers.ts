/** Dataset handlers: images in (files, the demo, masks), the working-size test image out. */
import { maskFromPixels } from '../../engine/data/image';
import { errorMessage, isEngineError } from '../../engine/errors';
import type { DomainHandlers, WorkerDeps } from '../runtime/handler';
import type { AttachMasksResult, MaskFile } from '../protocol';
import { decodeImage } from './decode';
import type { ImageStore } from './images';

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

export function datasetHandlers({ store, slot }: WorkerDeps): DomainHandlers<'addImages' | 'demo' | 'removeImages' | 'testImage' | 'attachMasks'> {
  return {
    addImages: async ({ set, files }, ctx) => store.add(set, files, (done) => ctx.emit({ done, total: files.length })),
    demo: async (args) => store.loadDemo(args),
    removeImages: async ({ set, ids }) => ({ remaining: store.remove(set, ids) }),
    testImage: async ({ testId, size }) => {
      const channels = slot.current?.description.config.channels ?? store.datasetChannels('test');
      const item = store.get('test', testId);
      return size === undefined ? store.stored(item, channels) : store.working(item, size, channels);
    },
    attachMasks: async ({ masks }) => attachMasks(store, masks),
  };
}
