/** Area 3: test images, the live projection over the selected one, and its controls. */
import { useState } from 'react';
import { CameraPanel } from '../camera/CameraPanel';
import { useApp, useServices } from '../context';
import { DropZone } from '../dataset/DropZone';
import { Rejected } from '../dataset/Rejected';
import { ProjectionSliders, ViewControls } from './Controls';
import { EnergyChart } from './EnergyChart';
import { TestList } from './TestList';
import { Viewer } from './Viewer';

function Guide() {
  return (
    <ol className="guide">
      <li>
        <strong>Normal images</strong>: drop a folder of good parts, or press <em>Try the demo</em>.
      </li>
      <li>
        <strong>Train</strong>: a small VAE learns what normal looks like, on this computer's GPU.
      </li>
      <li>
        <strong>Inspect</strong>: drop test images; each one is projected onto the normal manifold and what had to change is the
        anomaly.
      </li>
    </ol>
  );
}

export function InspectPanel() {
  const { store } = useServices();
  const hasTests = useApp((s) => s.test.length > 0);
  const hasModel = useApp((s) => s.model !== null);
  const busy = useApp((s) => s.loading !== null);
  const [camera, setCamera] = useState(false);
  return (
    <section className="panel inspect" aria-labelledby="inspect-title">
      <h2 id="inspect-title">
        <span className="step">3</span> Inspect
        {hasModel && (
          <button type="button" className="btn ghost fold" aria-pressed={camera} onClick={() => setCamera(!camera)}>
            {camera ? 'Back to files' : 'Live camera'}
          </button>
        )}
      </h2>
      <DropZone label="Test images" testId="test-drop" disabled={busy} onFiles={(files) => void store.getState().addTestFiles(files)}>
        <p className="hint">{hasTests ? 'Drop more test images here.' : 'Drop test images here (the demo brings its own).'}</p>
      </DropZone>
      <Rejected set="test" />
      {!hasTests && !hasModel ? (
        <Guide />
      ) : (
        <div className="inspect-body">
          <TestList />
          <div className="inspect-main">
            {hasModel ? camera ? <CameraPanel /> : <Viewer /> : <p className="muted viewer empty">Train a model (step 2) to inspect the test images.</p>}
          </div>
          <div className="inspect-side">
            <ProjectionSliders />
            <ViewControls />
            <EnergyChart />
          </div>
        </div>
      )}
    </section>
  );
}
