/** The one page: header, then the three areas of the flow side by side; results and evaluation below. */
import { Header } from '../ui/Header';
import { useApp } from '../ui/context';
import { Notice } from '../ui/common/Notice';
import { DatasetPanel } from '../ui/dataset/DatasetPanel';
import { InspectPanel } from '../ui/inspect/InspectPanel';
import { TrainPanel } from '../ui/train/TrainPanel';
import { ResultsPanel } from '../ui/results/ResultsPanel';

export function App() {
  const folded = useApp((s) => s.view.datasetFolded);
  return (
    <>
      <div className="app">
        <Header />
        <Notice />
        <main className={folded ? 'areas dataset-folded' : 'areas'}>
          <DatasetPanel />
          <TrainPanel />
          <InspectPanel />
        </main>
      </div>
      <ResultsPanel />
    </>
  );
}
