/** A notice the person should read that is not a failure of their action (e.g. the GPU was lost). */
import { useApp, useServices } from '../context';

export function Notice() {
  const { store } = useServices();
  const notice = useApp((s) => s.notice);
  if (!notice) return null;
  return (
    <div className="notice" role="alert" data-testid="notice" data-kind={notice.kind}>
      <span>{notice.text}</span>
      <button type="button" className="btn ghost small" onClick={() => store.getState().dismissNotice()}>
        Dismiss
      </button>
    </div>
  );
}
