/** Downloads: the selected image's heat map and overlay as PNG, the results as CSV and JSON. */
import type { AnomalyMethod } from '../../engine/types';
import { colormapLut } from '../../render/colormap';
import { colorizeField } from '../../render/overlay';
import { smoothSigmaFor } from '../../engine/limits';
import type { AppState } from '../../store';
import { useApp, useServices } from '../context';
import { currentMap, mainMethod, scaleFor } from '../inspect/maps';
import { baseName, canvasToPng, download, rgbaToPng } from './download';
import { resultsCsv, resultsJson, type ResultsExport } from './exportData';
import { APP_VERSION } from '../../engine/version';

export function exportInput(s: AppState): ResultsExport {
  const t = (m: AnomalyMethod) => scaleFor(s, m).threshold;
  const size = s.model?.config.size ?? s.settings.model.size;
  return {
    rows: s.test.map((item) => ({
      file: item.name,
      scores: { residual: s.scores[item.id]?.residual ?? null, projection: s.scores[item.id]?.projection ?? null },
      label: s.rows[item.id]?.label ?? null,
    })),
    thresholds: { residual: t('residual'), projection: t('projection') },
    settings: { ...s.settings.projection, workingSize: size, channels: s.model?.config.channels ?? 3, smoothSigma: smoothSigmaFor(size) },
    evaluation: s.evaluation,
    model: s.model ? { trainedAt: s.model.trainedAt, appVersion: APP_VERSION } : null,
  };
}

async function heatmapPng(s: AppState): Promise<void> {
  const method = mainMethod(s);
  const map = currentMap(s, method);
  const item = s.test.find((t) => t.id === s.selectedId);
  if (!map || !item) return;
  const img = colorizeField(map, colormapLut(s.view.colormap), scaleFor(s, method).scaleMax);
  download(await rgbaToPng(img), `${baseName(item.name)}-${method}-heatmap.png`);
}

async function overlayPng(s: AppState): Promise<void> {
  const canvas = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Anomaly overlay"]');
  const item = s.test.find((t) => t.id === s.selectedId);
  if (!canvas || !item) return;
  download(await canvasToPng(canvas), `${baseName(item.name)}-${mainMethod(s)}-overlay.png`);
}

export function Exports() {
  const { store } = useServices();
  const inspected = useApp((s) => s.inspection.kind === 'done' && s.inspection.result.testId === s.selectedId);
  const scored = useApp((s) => Object.keys(s.scores).length > 0);
  const fail = (what: string) => (e: unknown) => store.setState({ failure: { code: 'unknown', message: e instanceof Error ? e.message : String(e), during: what } });
  const text = (body: string, type: string, name: string) => download(new Blob([body], { type }), name);
  return (
    <div className="row wrap exports" role="group" aria-label="Downloads">
      <button type="button" className="btn small" disabled={!inspected} onClick={() => heatmapPng(store.getState()).catch(fail('Saving the heat map'))}>
        Heat map PNG
      </button>
      <button type="button" className="btn small" disabled={!inspected} onClick={() => overlayPng(store.getState()).catch(fail('Saving the overlay'))}>
        Overlay PNG
      </button>
      <button type="button" className="btn small" disabled={!scored} onClick={() => text(resultsCsv(exportInput(store.getState())), 'text/csv', 'manifold-lens-results.csv')}>
        Results CSV
      </button>
      <button type="button" className="btn small" disabled={!scored} onClick={() => text(resultsJson(exportInput(store.getState())), 'application/json', 'manifold-lens-results.json')}>
        Results JSON
      </button>
    </div>
  );
}
