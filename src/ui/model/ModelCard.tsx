/**
 * Which model is loaded and when it was trained; export it as a file, load one, or forget it.
 * The model is kept in this browser (IndexedDB) and comes back after a reload.
 */
import { describeLayout, layoutOf } from '../../engine/data/layout';
import type { ModelDescription } from '../../engine/types';
import { useApp, useServices } from '../context';
import { download } from '../results/download';

export function describeModel(m: ModelDescription): string {
  const channels = m.config.channels === 1 ? 'grayscale' : 'colour';
  const when = new Date(m.trainedAt);
  const date = Number.isNaN(when.getTime()) ? 'at an unknown date' : when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const latent = m.config.bottleneck === 'spatial' ? `spatial latent, ${m.config.latent} per cell` : `latent ${m.config.latent}`;
  return `Model: ${m.config.size}px ${channels}, trained ${date} · ${describeLayout(layoutOf(m), m.config.size)} · ${latent}`;
}

function StoredLine() {
  const stored = useApp((s) => s.stored);
  if (stored.kind === 'failed') {
    return (
      <p className="warn small" role="alert" data-testid="storage-error">
        {stored.message}
      </p>
    );
  }
  const text = { none: 'Not kept yet.', checking: 'Looking for a kept model…', saving: 'Keeping it in this browser…', saved: 'Kept in this browser: it comes back after a reload.' }[stored.kind];
  return (
    <p className="muted small" data-testid="stored" data-state={stored.kind}>
      {text}
    </p>
  );
}

export function ModelCard() {
  const { store } = useServices();
  const model = useApp((s) => s.model);
  const stored = useApp((s) => s.stored);
  const file = useApp((s) => s.modelFile);
  const busy = useApp((s) => s.training.kind === 'running' || s.modelFile.kind === 'exporting' || s.modelFile.kind === 'importing');
  const exportModel = async () => {
    const f = await store.getState().exportModel();
    if (f) download(new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), f.fileName);
  };
  return (
    <div className="model-card" data-testid="model-card">
      <p className="model-info" data-testid="model-info">
        {model ? describeModel(model) : 'No model yet: train one, or import a model file.'}
      </p>
      {(model || stored.kind === 'failed') && <StoredLine />}
      <div className="row wrap">
        <button type="button" className="btn small" disabled={!model || busy} onClick={() => void exportModel()}>
          Export model
        </button>
        <label className={`btn small${busy ? ' disabled' : ''}`}>
          Import model
          <input
            className="visually-hidden"
            type="file"
            accept=".zip,application/zip"
            aria-label="Model file"
            disabled={busy}
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (f) void store.getState().importModel(f);
            }}
          />
        </label>
        <button type="button" className="btn small ghost" disabled={!model || busy} onClick={() => void store.getState().forgetModel()}>
          Forget model
        </button>
      </div>
      {file.kind === 'importing' && <p className="muted small">Reading the model file…</p>}
      {file.kind === 'refused' && (
        <p className="warn small" role="alert" data-testid="model-file-error">
          The file was refused: {file.message} {model ? 'The loaded model is unchanged.' : ''}
        </p>
      )}
    </div>
  );
}
