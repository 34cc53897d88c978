/** Composition: URL options -> worker client -> store -> React. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from '../store';
import { parseUrlOptions } from '../store/defaults';
import { ServicesProvider } from '../ui/context';
import { startMlWorker } from '../worker/client';
import { App } from './App';
import { installTestHook } from './testHook';
import { wasmPaths } from '../worker/wasmPaths';
import '../ui/styles.css';

const options = parseUrlOptions(window.location.search);
const client = startMlWorker();
const store = createAppStore({ client, wasmPaths: wasmPaths() }, options.settings);
if (options.testHook) installTestHook(store, client);
void store.getState().initBackend(options.backend);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ServicesProvider services={{ store, client }}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
