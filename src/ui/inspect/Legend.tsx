/** Colour bar on the calibrated scale, with ticks and the threshold marked. */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { colormapLut } from '../../render/colormap';
import { formatValue, legendBar, legendTicks } from '../../render/legend';
import { useApp } from '../context';
import { PixelCanvas } from '../common/PixelCanvas';
import { mainMethod, scaleFor } from './maps';

const SOURCE_TEXT = {
  calibration: 'Fixed scale from held-out normal images',
  residual: "Fixed scale borrowed from the residual's calibration",
  image: "No calibration: scaled to this image's maximum",
} as const;

const EDGE_TITLE =
  'Held-out normal images score higher near the border, where the network sees padding; each map is divided there by how much higher, so that a value means the same everywhere.';
const DETAIL_TITLE =
  "Where the image has less fine detail than normal images ever have (a blur, a smudge, a filled spot), the shortfall is added to the map: a reconstruction alone cannot see detail that is missing.";

const SCORE_TITLE =
  "The colours show the map at the model's smoothing; the score, the verdict and the contour use the same map at half that smoothing, where a defect of a few pixels is not spread out under the normal images' hottest spots.";

export function Legend() {
  const colormap = useApp((s) => s.view.colormap);
  const borderGain = useApp((s) => s.model?.calibration[mainMethod(s)]?.edgeGain?.[0] ?? null);
  const detail = useApp((s) => s.model?.calibration[mainMethod(s)]?.detail !== undefined);
  const scoreSigma = useApp((s) => s.model?.calibration[mainMethod(s)]?.score?.sigma ?? null);
  const { scaleMax, threshold, source } = useApp(useShallow((s) => scaleFor(s, mainMethod(s))));
  const bar = useMemo(() => legendBar(colormapLut(colormap), 256, 1), [colormap]);
  const ticks = legendTicks(scaleMax, 5);
  const thresholdAt = threshold !== null ? Math.min(1, threshold / scaleMax) : null;
  return (
    <div className="legend" data-testid="legend">
      <div className="legend-bar-wrap">
        <PixelCanvas image={bar} label={`Colour scale from 0 to ${formatValue(scaleMax)}`} className="legend-bar" pixelated={false} />
        {thresholdAt !== null && <span className="legend-threshold" style={{ left: `${thresholdAt * 100}%` }} title={`threshold ${formatValue(threshold ?? 0)}`} />}
      </div>
      <div className="legend-ticks" aria-hidden="true">
        {ticks.map((t) => (
          <span key={t.at} style={{ left: `${t.at * 100}%` }}>
            {t.label}
          </span>
        ))}
      </div>
      <p className="muted small">
        {SOURCE_TEXT[source]}
        {threshold !== null && <> · contour at {formatValue(threshold)}</>}
        {scoreSigma !== null && (
          <span title={SCORE_TITLE} data-testid="score-scale">
            {' '}
            · scored at {Number(scoreSigma.toFixed(2))} px smoothing
          </span>
        )}
        {borderGain !== null && borderGain > 1 && (
          <span title={EDGE_TITLE} data-testid="edge-correction">
            {' '}
            · edge band evened out (÷{borderGain.toFixed(2)} at the border)
          </span>
        )}
        {detail && (
          <span title={DETAIL_TITLE} data-testid="detail-term">
            {' '}
            · missing detail added
          </span>
        )}
      </p>
    </div>
  );
}
