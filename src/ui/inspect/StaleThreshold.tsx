/**
 * Says when the projection's threshold was calibrated at other projection settings than the
 * current ones (its verdicts would rest on a mismatched threshold), with a one-click recalibration.
 */
import type { ProjectionSettings } from '../../engine/types';
import { useApp, useServices } from '../context';
import { mainMethod, scaleFor } from './maps';

function describeSettings(p: ProjectionSettings): string {
  return `α ${p.alpha}, λ ${p.lambda}, T ${p.iterations}${p.variant === 'weighted' ? '' : `, ${p.variant}`}`;
}

export function StaleThreshold() {
  const { store } = useServices();
  const stale = useApp((s) => scaleFor(s, mainMethod(s)).stale);
  const at = useApp((s) => s.model?.calibration.at ?? null);
  const now = useApp((s) => s.settings.projection);
  const state = useApp((s) => s.recalibration);
  const haveNormals = useApp((s) => s.normal.length > 0);
  if (!stale && state.kind !== 'failed') return null;
  const running = state.kind === 'running';
  return (
    <div className="stale-threshold" role="status" data-testid="threshold-stale" data-state={running ? 'running' : 'stale'}>
      {stale && (
        <p>
          The threshold was calibrated at {at ? describeSettings(at) : 'other settings'}; the projection now runs at {describeSettings(now)}. The
          verdict uses that older threshold.
        </p>
      )}
      {state.kind === 'failed' && <p className="error-text">Recalibration failed: {state.message}</p>}
      <button type="button" onClick={() => void store.getState().recalibrate()} disabled={running || !haveNormals}>
        {running ? `Recalibrating… ${Math.floor(state.done)}/${state.total || '?'}` : 'Recalibrate at these settings'}
      </button>
      {!haveNormals && <p className="hint">Recalibrating needs the normal images: drop them again.</p>}
    </div>
  );
}
