/** Area 2: train the VAE on the normal images (in the worker), with live progress. */
import { useId } from 'react';
import { FEW_IMAGES } from '../../engine/limits';
import { useApp, useServices } from '../context';
import { LossChart } from './LossChart';
import { ProgressBar } from './ProgressBar';
import { ReconGrid } from './ReconGrid';
import { ModelCard } from '../model/ModelCard';
import { LayoutSettings } from './LayoutSettings';
import { TrainSettings } from './TrainSettings';

function trainBlocker(s: { normal: number; backendReady: boolean; loading: boolean }): string | null {
  if (!s.backendReady) return 'Waiting for the ML engine to start.';
  if (s.normal === 0) return 'Add normal images (or try the demo) to train.';
  if (s.loading) return 'Reading images…';
  return null;
}

/** With very few normal images training still runs, with a warning about what to expect. */
function FewImages({ count }: { count: number }) {
  const forced = count < FEW_IMAGES;
  return (
    <p className="warn small" role="note" data-testid="few-images">
      Only {count} normal image{count === 1 ? '' : 's'}: {forced ? 'flips and 90° turns are switched on to make more of them, ' : 'augmentation helps, '}
      but expect a rough model that flags normal variation too. Add more images of good parts for a reliable one.
    </p>
  );
}

export function TrainPanel() {
  const { store } = useServices();
  const running = useApp((s) => s.training.kind === 'running');
  const stopping = useApp((s) => s.training.kind === 'running' && s.training.stopping);
  const normal = useApp((s) => s.normal.length);
  const backendReady = useApp((s) => s.backend.kind === 'ready');
  const loading = useApp((s) => s.loading !== null);
  const few = normal > 0 && normal < 8;
  const blocker = trainBlocker({ normal, backendReady, loading });
  const reasonId = useId();
  return (
    <section className="panel" aria-labelledby="train-title">
      <h2 id="train-title">
        <span className="step">2</span> Train
      </h2>
      <LayoutSettings />
      <TrainSettings />
      <div className="row">
        <button
          type="button"
          className="btn primary"
          disabled={running || blocker !== null}
          aria-describedby={blocker && !running ? reasonId : undefined}
          onClick={() => void store.getState().train()}>
          Train
        </button>
        <button type="button" className="btn" disabled={!running || stopping} onClick={() => store.getState().stopTraining()}>
          Stop
        </button>
      </div>
      {blocker && !running && (
        <p className="muted small" id={reasonId} data-testid="train-blocker">
          {blocker}
        </p>
      )}
      {few && !running && <FewImages count={normal} />}
      <ProgressBar />
      <LossChart />
      <ReconGrid />
      <ModelCard />
    </section>
  );
}
