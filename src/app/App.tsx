/** The one page: header, then the three areas of the flow side by side. */
import { Header } from '../ui/Header';
import { DatasetPanel } from '../ui/dataset/DatasetPanel';
import { InspectPanel } from '../ui/inspect/InspectPanel';
import { TrainPanel } from '../ui/train/TrainPanel';

export function App() {
  return (
    <div className="app">
      <Header />
      <main className="areas">
        <DatasetPanel />
        <TrainPanel />
        <InspectPanel />
      </main>
    </div>
  );
}
