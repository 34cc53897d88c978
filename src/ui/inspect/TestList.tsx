/** Test images with thumbnails and scores, sortable; arrow keys move the selection. */
import { useId, useMemo, type KeyboardEvent } from 'react';
import { formatValue } from '../../render/legend';
import type { AppState, SortOrder, TestItem } from '../../store';
import { useApp, useServices } from '../context';
import { PixelCanvas } from '../common/PixelCanvas';
import { mainMethod } from './maps';

function scoreOf(s: Pick<AppState, 'scores'>, id: string, method: 'residual' | 'projection'): number | null {
  return s.scores[id]?.[method] ?? null;
}

function sorted(items: TestItem[], order: SortOrder, score: (id: string) => number | null): TestItem[] {
  const out = [...items];
  if (order === 'name') return out.sort((a, b) => a.name.localeCompare(b.name));
  const sign = order === 'score-desc' ? -1 : 1;
  // Unscored images go last either way, in their original order.
  return out.sort((a, b) => {
    const sa = score(a.id);
    const sb = score(b.id);
    if (sa === null || sb === null) return (sa === null ? 1 : 0) - (sb === null ? 1 : 0);
    return sign * (sa - sb);
  });
}

export function TestList() {
  const { store } = useServices();
  const test = useApp((s) => s.test);
  const scores = useApp((s) => s.scores);
  const selectedId = useApp((s) => s.selectedId);
  const order = useApp((s) => s.view.sort);
  const method = useApp(mainMethod);
  const sortId = useId();
  const items = useMemo(() => sorted(test, order, (id) => scoreOf({ scores }, id, method)), [test, order, scores, method]);

  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = items.findIndex((t) => t.id === selectedId);
    const next = items[Math.min(items.length - 1, Math.max(0, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (!next) return;
    store.getState().select(next.id);
    e.currentTarget.querySelector<HTMLButtonElement>(`[data-id="${next.id}"]`)?.focus();
  };

  return (
    <div className="test-list">
      <div className="row between">
        <label htmlFor={sortId} className="visually-hidden">
          Sort the test images
        </label>
        <select id={sortId} value={order} onChange={(e) => store.getState().setView({ sort: e.currentTarget.value as SortOrder })}>
          <option value="score-desc">score ↓</option>
          <option value="score-asc">score ↑</option>
          <option value="name">name</option>
        </select>
        <button type="button" className="btn ghost small" onClick={() => void store.getState().clearSet('test')}>
          Clear
        </button>
      </div>
      <ul aria-label="Test image list" onKeyDown={onKey}>
        {items.map((t) => {
          const score = scoreOf({ scores }, t.id, method);
          return (
            <li key={t.id} className={t.id === selectedId ? 'selected' : ''}>
              <button type="button" className="test-item" data-testid="test-item" data-id={t.id} data-kind={t.kind ?? ''} aria-pressed={t.id === selectedId} onClick={() => store.getState().select(t.id)}>
                <PixelCanvas image={t.thumb} label="" className="test-thumb" />
                <span className="test-name">{t.name}</span>
                <span className="test-score">{score === null ? '…' : formatValue(score)}</span>
              </button>
              <button type="button" className="thumb-remove" aria-label={`Remove ${t.name}`} onClick={() => void store.getState().removeImage('test', t.id)}>
                ×
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
