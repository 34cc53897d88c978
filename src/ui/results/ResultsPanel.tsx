/**
 * Area 4, below the three areas of the flow: inspect every test image in one go, the results
 * table, the evaluation against ground-truth masks and the downloads.
 */
import { ProgressLine } from '../common/ProgressLine';
import { useApp, useServices } from '../context';
import { Metrics } from '../evaluate/Metrics';
import { Exports } from './Exports';
import { ResultsTable } from './ResultsTable';

function BatchProgress() {
  const batch = useApp((s) => s.batch);
  if (batch.kind === 'idle') return null;
  const pct = batch.kind === 'running' ? Math.round((100 * batch.done) / Math.max(1, batch.total)) : 100;
  const text =
    batch.kind === 'running'
      ? `Inspecting ${batch.done} of ${batch.total}…`
      : batch.kind === 'failed'
        ? `Stopped: ${batch.message}`
        : batch.stopped
          ? 'Stopped before the end.'
          : 'All test images inspected.';
  return (
    <ProgressLine label="Batch progress" pct={pct} className="batch-progress" textProps={{ 'data-testid': 'batch-progress', 'data-state': batch.kind }}>
      {text}
    </ProgressLine>
  );
}

export function ResultsPanel() {
  const { store } = useServices();
  const running = useApp((s) => s.batch.kind === 'running');
  const can = useApp((s) => s.model !== null && s.test.length > 0 && s.training.kind !== 'running');
  const count = useApp((s) => s.test.length);
  return (
    <section className="panel results-panel" aria-labelledby="results-title">
      <div className="row between wrap">
        <h2 id="results-title">
          <span className="step">4</span> Results and evaluation
        </h2>
        <Exports />
      </div>
      <div className="row wrap">
        <button type="button" className="btn primary" disabled={!can || running} onClick={() => void store.getState().runBatch()}>
          Inspect all
        </button>
        <button type="button" className="btn" disabled={!running} onClick={() => store.getState().cancelBatch()}>
          Stop batch
        </button>
        <span className="muted small">{count === 0 ? 'Add test images (step 3) to inspect them all at once.' : `${count} test image${count === 1 ? '' : 's'}`}</span>
      </div>
      <BatchProgress />
      <div className="results-body">
        <div className="results-table-wrap">{count > 0 && <ResultsTable />}</div>
        <div className="results-side">
          <Metrics />
        </div>
      </div>
    </section>
  );
}
