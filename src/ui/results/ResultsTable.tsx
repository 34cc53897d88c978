/**
 * Every test image with its thumbnail, scores and verdict; sortable by clicking a column head;
 * arrow keys (and Home/End) move through the rows and select the image for the viewer above.
 */
import { useMemo, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatValue } from '../../render/legend';
import type { AppState, TestItem } from '../../store';
import type { ResultsSort, ResultsSortKey } from '../../store/types';
import { useApp, useServices } from '../context';
import { PixelCanvas } from '../common/PixelCanvas';
import { mainMethod, scaleFor } from '../inspect/maps';
import { verdictOf } from '../../engine/score/threshold';

interface Row {
  item: TestItem;
  residual: number | null;
  projection: number | null;
  verdict: 'anomalous' | 'normal' | null;
  label: number | null;
}

type RowInputs = Pick<AppState, 'test' | 'scores' | 'rows'>;

function rowsOf(s: RowInputs, main: 'residual' | 'projection', threshold: number | null): Row[] {
  return s.test.map((item) => {
    const sc = s.scores[item.id];
    return { item, residual: sc?.residual ?? null, projection: sc?.projection ?? null, verdict: verdictOf(sc?.[main], threshold), label: s.rows[item.id]?.label ?? null };
  });
}

function sortRows(rows: Row[], sort: ResultsSort, main: 'residual' | 'projection'): Row[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const key = (r: Row): number | string | null => {
    if (sort.key === 'name') return r.item.name;
    if (sort.key === 'verdict') return r[main];
    return r[sort.key];
  };
  // Rows without a score go last either way.
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null || kb === null) return (ka === null ? 1 : 0) - (kb === null ? 1 : 0);
    return sign * (typeof ka === 'string' ? ka.localeCompare(String(kb)) : ka - (kb as number));
  });
}

const HEADS: { key: ResultsSortKey; label: string }[] = [
  { key: 'name', label: 'File' },
  { key: 'residual', label: 'Residual score' },
  { key: 'projection', label: 'Projection score' },
  { key: 'verdict', label: 'Verdict' },
];

export function ResultsTable() {
  const { store } = useServices();
  const inputs = useApp(useShallow((s) => ({ test: s.test, scores: s.scores, rows: s.rows })));
  const sort = useApp((s) => s.resultsSort);
  const selectedId = useApp((s) => s.selectedId);
  const main = useApp(mainMethod);
  const threshold = useApp((s) => scaleFor(s, mainMethod(s)).threshold);
  const labelled = Object.values(inputs.rows).some((r) => r.label !== null);
  const sorted = useMemo(() => sortRows(rowsOf(inputs, main, threshold), sort, main), [inputs, sort, main, threshold]);
  const onSort = (key: ResultsSortKey) => store.getState().setResultsSort({ key, dir: sort.key === key && sort.dir === 'desc' ? 'asc' : 'desc' });
  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const i = sorted.findIndex((r) => r.item.id === selectedId);
    const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: sorted.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = sorted[Math.min(sorted.length - 1, Math.max(0, to))];
    if (!next) return;
    store.getState().select(next.item.id);
    e.currentTarget.querySelector<HTMLTableRowElement>(`tr[data-id="${next.item.id}"]`)?.focus();
  };
  return (
    <table className="results-table" data-testid="results-table" aria-label="Results">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Thumbnail</span>
          </th>
          {HEADS.map((h) => (
            <th key={h.key} scope="col" aria-sort={sort.key === h.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button type="button" className="sort-head" onClick={() => onSort(h.key)}>
                {h.label}
                {sort.key === h.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            </th>
          ))}
          {labelled && <th scope="col">Truth</th>}
        </tr>
      </thead>
      <tbody onKeyDown={onKey}>
        {sorted.map((r, i) => {
          const selected = r.item.id === selectedId;
          const focusable = selected || (selectedId === null && i === 0);
          return (
            <tr key={r.item.id} data-testid="result-row" data-id={r.item.id} data-verdict={r.verdict ?? ''} data-score={r[main] ?? ''} aria-selected={selected} tabIndex={focusable ? 0 : -1} className={selected ? 'selected' : ''} onClick={() => store.getState().select(r.item.id)}>
              <td>
                <PixelCanvas image={r.item.thumb} label="" className="result-thumb" />
              </td>
              <td className="name">{r.item.name}</td>
              <td className="num">{r.residual === null ? '…' : formatValue(r.residual)}</td>
              <td className="num">{r.projection === null ? '…' : formatValue(r.projection)}</td>
              <td>{r.verdict ? <span className={`verdict ${r.verdict}`}>{r.verdict}</span> : '–'}</td>
              {labelled && <td>{r.label === null ? '–' : r.label === 1 ? 'defect' : 'good'}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
