/** Inputs (top) and their reconstructions (bottom), refreshed as training goes (at most once a second) and at its end. */
import { useMemo } from 'react';
import { floatToRgba } from '../../render/image';
import { useApp } from '../context';
import { PixelCanvas } from '../common/PixelCanvas';

export function ReconGrid() {
  const grid = useApp((s) => s.grid);
  const epoch = useApp((s) => s.gridEpoch);
  const tiles = useMemo(() => grid.map((p) => ({ input: floatToRgba(p.input), output: floatToRgba(p.output) })), [grid]);
  if (tiles.length === 0) return null;
  return (
    <figure className="recon-grid" data-testid="recon-grid">
      <div className="recon-rows" style={{ gridTemplateColumns: `repeat(${tiles.length}, 1fr)` }}>
        {tiles.map((t, i) => (
          <PixelCanvas key={`i${i}`} image={t.input} label={`Training image ${i + 1}`} className="tile" />
        ))}
        {tiles.map((t, i) => (
          <PixelCanvas key={`o${i}`} image={t.output} label={`Reconstruction ${i + 1}`} className="tile" />
        ))}
      </div>
      <figcaption className="muted">Top: images · bottom: reconstructions after epoch {epoch}</figcaption>
    </figure>
  );
}
