/** Title, backend badge and the one status line (data-testid="status" with data-state). */
import { useShallow } from 'zustand/react/shallow';
import { selectStatus } from '../store';
import { useApp, useServices } from './context';
import { adviceFor, backendBadge } from './messages';

function BackendBadge() {
  const backend = useApp((s) => s.backend);
  if (backend.kind === 'starting') return <span className="badge">Starting…</span>;
  if (backend.kind === 'failed') return <span className="badge bad">No backend</span>;
  const c = backend.choice;
  const tone = c.name === 'webgpu' && !c.software ? 'good' : 'slow';
  const tried = c.tried.map((t) => `${t.name}: ${t.ok ? 'ok' : t.reason}`).join('\n');
  return (
    <span className={`badge ${tone}`} data-testid="backend" data-backend={c.name} title={`${c.adapterInfo ?? ''}\n${tried}`.trim()}>
      {backendBadge(c)}
    </span>
  );
}

export function Header() {
  const { store } = useServices();
  const status = useApp(useShallow(selectStatus));
  const failure = useApp((s) => s.failure);
  const advice = failure ? adviceFor(failure.code) : null;
  return (
    <header className="top">
      <div className="brand">
        <h1>Manifold Lens</h1>
        <span className="muted small">anomaly localisation by projection onto the normal manifold · runs locally</span>
      </div>
      <div className="status-area">
        <div className={`status ${status.state}`} data-testid="status" data-state={status.state} role="status" aria-live="polite">
          {status.text}
          {advice && <span className="advice"> {advice}</span>}
        </div>
        {failure && (
          <button type="button" className="btn ghost small" onClick={() => store.getState().dismissFailure()}>
            Dismiss
          </button>
        )}
        <BackendBadge />
      </div>
    </header>
  );
}
