/** The selected test image: overlay (or residual and projection side by side), panels, legend, score. */
import { useShallow } from 'zustand/react/shallow';
import { formatValue } from '../../render/legend';
import { ProgressLine } from '../common/ProgressLine';
import { useApp } from '../context';
import { verdictOf } from '../../engine/score/threshold';
import { Legend } from './Legend';
import { mainMethod, scaleFor } from './maps';
import { OverlayCanvas } from './OverlayCanvas';
import { Panels } from './Panels';
import { StaleThreshold } from './StaleThreshold';
import { useBaseImage } from './useBaseImage';

function Score() {
  const { score, threshold, running, stale } = useApp(
    useShallow((s) => {
      const method = mainMethod(s);
      const id = s.selectedId;
      const scale = scaleFor(s, method);
      return {
        stale: scale.stale,
        score: id ? (s.scores[id]?.[method] ?? null) : null,
        threshold: scale.threshold,
        running: s.inspection.kind === 'running',
      };
    }),
  );
  const verdict = verdictOf(score, threshold);
  return (
    <p className="score-line">
      Score <strong data-testid="score">{score === null ? (running ? '…' : '–') : formatValue(score)}</strong>
      {verdict && (
        <span className={`verdict ${verdict}`} data-testid="verdict" data-stale={stale}>
          {verdict}
          {stale && ' (threshold from other settings)'}
        </span>
      )}
    </p>
  );
}

/** Patch mode: how far the projection of the image's tiles is (steps when live, tiles when chunk by chunk). */
function TileProgress() {
  const { tiles, step, iterations } = useApp(
    useShallow((s) => ({
      tiles: s.inspection.kind === 'running' ? (s.inspection.tiles ?? null) : null,
      iterations: s.inspection.kind === 'running' ? s.inspection.iterations : 0,
      step: s.energies.length,
    })),
  );
  if (!tiles) return null;
  const [done, total] = tiles.live ? [Math.min(step, iterations), iterations] : [tiles.done, tiles.total];
  const pct = total > 0 ? Math.round((100 * done) / total) : 0;
  const text = tiles.live ? `Projecting ${tiles.total} tiles together: step ${done} of ${total}` : `Projecting tiles chunk by chunk: ${done} of ${total}`;
  return (
    <ProgressLine label="Tile progress" pct={pct} textProps={{ 'data-testid': 'tile-progress', 'data-live': tiles.live }}>
      {text}
    </ProgressLine>
  );
}

export function Viewer() {
  const item = useApp((s) => s.test.find((t) => t.id === s.selectedId) ?? null);
  const method = useApp((s) => s.view.method);
  const base = useBaseImage(item);
  if (!item) return <div className="viewer empty muted">Select a test image.</div>;
  const both = method === 'both';
  return (
    <div className="viewer">
      <div className="viewer-main">
        {both ? (
          <div className="pair">
            <figure>
              <OverlayCanvas base={base} method="residual" label="Residual overlay" box={170} />
              <figcaption>residual |x₀ − f(x₀)|</figcaption>
            </figure>
            <figure>
              <OverlayCanvas base={base} method="projection" label="Anomaly overlay" box={170} />
              <figcaption>projection |x₀ − xₜ|</figcaption>
            </figure>
          </div>
        ) : (
          <figure>
            <OverlayCanvas base={base} method={method === 'residual' ? 'residual' : 'projection'} label="Anomaly overlay" box={280} />
            <figcaption>
              {item.name} · {item.width}×{item.height}
            </figcaption>
          </figure>
        )}
        <Panels />
      </div>
      <TileProgress />
      <Score />
      <StaleThreshold />
      <Legend />
    </div>
  );
}
