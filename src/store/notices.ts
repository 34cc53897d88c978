/**
 * Notice slice: a notice for things the person should know that are not failures
 * of their action (the GPU was lost and the app moved to another backend), and the watch on the
 * worker that reports such a loss.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { BackendLoss } from '../worker/protocol';
import { toFailure } from './errors';
import type { AppState, NoticeState, StoreDeps } from './types';

function lossText(loss: BackendLoss): string {
  const what = loss.how === 'lost' ? `The GPU stopped working (${loss.message})` : `The ML backend failed: ${loss.message}`;
  if (!loss.choice) return `${what} and no other backend could start. Reload the page.`;
  const kept = loss.modelKept ? 'Your images and the trained model are kept.' : 'Your images are kept; the model could not be moved, so train it again or reload it.';
  const now = loss.how === 'lost' ? `Switched to ${loss.choice.reason}.` : `Started again, now on ${loss.choice.reason}.`;
  return `${what}. ${now} ${kept} Anything that was running has to be started again.`;
}

export const createNoticeSlice =
  ({ client }: StoreDeps): StateCreator<AppState, [], [], NoticeState> =>
  (set, get) => ({
    notice: null,

    dismissNotice() {
      set({ notice: null });
    },

    watchBackend() {
      client.call('watchBackend', {}).result.then(
        (loss) => {
          set({
            notice: { kind: loss.how === 'lost' ? 'backend-lost' : 'backend-restarted', text: lossText(loss) },
            backend: loss.choice ? { kind: 'ready', choice: loss.choice } : { kind: 'failed', message: loss.message },
            model: loss.modelKept ? get().model : null,
          });
          if (loss.choice) get().watchBackend();
        },
        (e: unknown) => set({ failure: toFailure(e, 'Watching the GPU') }),
      );
    },
  });
