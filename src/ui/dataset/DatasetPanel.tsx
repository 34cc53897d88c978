/** Area 1: the normal images the model learns from, with the demo for a first visit. */
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useServices } from '../context';
import { DropZone } from './DropZone';
import { ThumbGrid } from './ThumbGrid';
import { Rejected } from './Rejected';

/** The box the thumbnails fill, measured, so the grid can window its rows. */
function useBoxSize(): [RefObject<HTMLDivElement | null>, { width: number; height: number }] {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 260, height: 220 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ width: el.clientWidth, height: Math.max(120, el.clientHeight) }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}

function Summary({ inline = false }: { inline?: boolean }) {
  const { count, size, trained, channels } = useApp(
    useShallow((s) => ({
      count: s.normal.length,
      size: s.model?.config.size ?? s.settings.model.size,
      trained: s.model !== null,
      channels: s.normal.length === 0 ? null : s.normal.every((i) => i.channels === 1) ? 'grayscale' : 'colour',
    })),
  );
  if (count === 0) return null;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag className="summary" data-testid="normal-summary">
      <strong>{count}</strong> normal image{count === 1 ? '' : 's'} · {channels} · {trained ? 'trained' : 'will train'} at {size}×{size} px
    </Tag>
  );
}

/** The folded area: a narrow bar that brings the normal images back with one click. */
function FoldedDataset() {
  const { store } = useServices();
  return (
    <section className="panel folded" aria-labelledby="dataset-title">
      <button type="button" className="unfold" onClick={() => store.getState().setView({ datasetFolded: false })} aria-expanded="false">
        <span className="step">1</span>
        <span id="dataset-title">Normal images</span>
        <Summary inline />
      </button>
    </section>
  );
}

export function DatasetPanel() {
  const folded = useApp((s) => s.view.datasetFolded);
  return folded ? <FoldedDataset /> : <DatasetArea />;
}

function DatasetArea() {
  const { store } = useServices();
  const normal = useApp((s) => s.normal);
  const trained = useApp((s) => s.model !== null);
  const busy = useApp((s) => s.loading !== null || s.training.kind === 'running');
  const [gridRef, box] = useBoxSize();
  const remove = useCallback((id: string) => void store.getState().removeImage('normal', id), [store]);
  return (
    <section className="panel" aria-labelledby="dataset-title">
      <h2 id="dataset-title">
        <span className="step">1</span> Normal images
        {trained && (
          <button type="button" className="btn ghost fold" onClick={() => store.getState().setView({ datasetFolded: true })} aria-expanded="true">
            Fold
          </button>
        )}
      </h2>
      <DropZone label="Normal images" testId="normal-drop" disabled={busy} onFiles={(files) => void store.getState().addFiles('normal', files)}>
        {normal.length === 0 ? (
          <p className="hint">
            <strong>Start here.</strong> Drop a folder of images of <em>good</em> parts (no defects), or try the demo textures.
            Everything stays on this computer.
          </p>
        ) : (
          <p className="hint">Drop more images or folders here.</p>
        )}
      </DropZone>
      <div className="row">
        <button type="button" className={normal.length === 0 ? 'btn primary' : 'btn'} disabled={busy} onClick={() => void store.getState().loadDemo()}>
          Try the demo
        </button>
        {normal.length > 0 && (
          <button type="button" className="btn ghost" disabled={busy} onClick={() => void store.getState().clearSet('normal')}>
            Clear all
          </button>
        )}
      </div>
      <Summary />
      <Rejected set="normal" />
      <div ref={gridRef} className="grid-box">
        {normal.length > 0 && <ThumbGrid items={normal} onRemove={remove} height={box.height} width={box.width} />}
      </div>
    </section>
  );
}
