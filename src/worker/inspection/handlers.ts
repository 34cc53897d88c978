/** Inspection handlers: one image live, background scores, a batch with its metrics. */
import type { DomainHandlers, WorkerDeps } from '../runtime/handler';
import type { Evaluator } from './evaluate';
import { inspectJob, inspectLive, scoreJob } from './inspect';

export function inspectionHandlers(deps: WorkerDeps, evaluator: Evaluator): DomainHandlers<'inspect' | 'inspectLive' | 'score' | 'evaluate'> {
  const { store, slot, onGpu } = deps;
  slot.onSwap.push(() => (evaluator.last = null));
  return {
    inspect: onGpu(async (args, ctx) => inspectJob(store, slot.require(), args, ctx)),
    inspectLive: onGpu(async (args, ctx) => inspectLive(slot.require(), args, ctx)),
    score: onGpu(async ({ testIds, settings }, ctx) => scoreJob(store, slot.require(), testIds, settings, ctx)),
    evaluate: onGpu(async (args, ctx) => evaluator.run(store, slot.require(), args, ctx)),
  };
}
