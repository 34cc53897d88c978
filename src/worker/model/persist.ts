/**
 * The model in IndexedDB, written from the worker (the weights never travel to the page).
 * One record under one key: the model's three parts (modelFiles.ts), so restoring validates
 * exactly like importing a file. Storage errors are returned as outcomes, never swallowed:
 * a full quota (QuotaExceededError) is told apart so the page can say so.
 */
import { del, get, set } from 'idb-keyval';
import { errorMessage } from '../../engine/errors';
import type { SaveOutcome, SavedSettings } from '../protocol';
import type { ModelParts } from './files';

const MODEL_KEY = 'manifold-lens/model';
const SETTINGS_KEY = 'manifold-lens/settings';

/** What persist needs of a key-value store (idb-keyval in the browser, a fake in tests). */
export interface KeyValue {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

export const idbStore: KeyValue = { get: (k) => get(k), set: (k, v) => set(k, v), del: (k) => del(k) };

interface StoredRecord {
  version: 1;
  parts: ModelParts;
}

function isQuotaError(e: unknown): boolean {
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  return name === 'QuotaExceededError' || /quota/i.test(errorMessage(e));
}

/** A save's outcome in words the page can show. */
export function saveFailure(e: unknown): SaveOutcome {
  if (isQuotaError(e)) {
    return {
      kind: 'failed',
      quota: true,
      message: 'The browser has no room left to keep the model (storage quota exceeded). It works until this page closes; export it as a file to keep it.',
    };
  }
  return { kind: 'failed', quota: false, message: `The model could not be kept in this browser: ${errorMessage(e)}` };
}

export async function saveModelParts(parts: ModelParts, kv: KeyValue = idbStore): Promise<SaveOutcome> {
  const record: StoredRecord = { version: 1, parts };
  try {
    await kv.set(MODEL_KEY, record);
    if (parts.metadata.settings) await kv.set(SETTINGS_KEY, parts.metadata.settings);
  } catch (e) {
    return saveFailure(e);
  }
  return { kind: 'saved', bytes: parts.weights.byteLength + parts.modelJson.length };
}

export async function saveSettings(settings: SavedSettings, kv: KeyValue = idbStore): Promise<SaveOutcome> {
  try {
    await kv.set(SETTINGS_KEY, settings);
  } catch (e) {
    return saveFailure(e);
  }
  return { kind: 'saved', bytes: JSON.stringify(settings).length };
}

/** The stored parts, or null; a record of another shape counts as damaged (the caller drops it). */
export async function loadStored(kv: KeyValue = idbStore): Promise<{ parts: ModelParts; settings: unknown } | null> {
  const record = (await kv.get(MODEL_KEY)) as Partial<StoredRecord> | undefined;
  if (record === undefined) return null;
  const p = record.parts;
  if (record.version !== 1 || !p || typeof p.modelJson !== 'string' || !(p.weights instanceof Uint8Array)) {
    throw new Error('the stored record has an unknown shape');
  }
  return { parts: p, settings: await kv.get(SETTINGS_KEY) };
}

export async function forgetStored(kv: KeyValue = idbStore): Promise<void> {
  await kv.del(MODEL_KEY);
  await kv.del(SETTINGS_KEY);
}
