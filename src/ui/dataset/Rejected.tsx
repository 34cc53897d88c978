/** Files refused in the last drop, each with its reason; the good files of that drop were kept. */
import { useApp, useServices } from '../context';

export function Rejected({ set }: { set: 'normal' | 'test' }) {
  const { store } = useServices();
  const last = useApp((s) => s.rejected);
  if (!last || last.set !== set) return null;
  const rejected = last.files;
  return (
    <div className="rejected" role="alert" data-testid="rejected">
      <div className="row between">
        <strong>
          {rejected.length} file{rejected.length === 1 ? '' : 's'} refused
        </strong>
        <button type="button" className="btn ghost small" onClick={() => store.getState().dismissRejected()}>
          Dismiss
        </button>
      </div>
      <ul>
        {rejected.map((r, i) => (
          <li key={`${r.name}-${i}`}>
            <span className="file">{r.name}</span>: {r.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
