/** Composition: URL options -> worker client -> store -> React. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from '../store';
import { parseUrlOptions } from '../store/defaults';
import { ServicesProvider } from '../ui/context';
import { startMlWorker } from '../worker/client';
import { App } from './App';
import { wasmPaths } from '../worker/wasmPaths';
import { wasmThreads } from '../worker/wasmThreads';
import '../ui/styles.css';

const options = parseUrlOptions(window.location.search);
const client = startMlWorker();
/** Defined by vite.config.ts: false in production builds, which then carry no test hook. */
declare const __TEST_HOOKS__: boolean;
const testHooks = __TEST_HOOKS__ && options.testHook;
const store = createAppStore({ client, wasmPaths: wasmPaths(), wasmThreads: wasmThreads(options.threads), testHooks }, options.settings, options.settingsChosen);
if (testHooks) void import('./testing/testHook').then((m) => m.installTestHook(store, client));
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
