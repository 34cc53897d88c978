/**
 * Files out of a drop: plain files and whole folders (walked recursively through
 * webkitGetAsEntry). The item list is only readable during the drop event, so entries are
 * taken synchronously and walked afterwards. Hidden files (.DS_Store, ...) of a folder are skipped.
 */

export interface NamedFile {
  name: string;
  blob: Blob;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    // readEntries returns the entries in chunks (100 in Chromium) until an empty one.
    const next = (): void => reader.readEntries((batch) => (batch.length === 0 ? resolve(all) : (all.push(...batch), next())), reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry): Promise<NamedFile[]> {
  if (entry.name.startsWith('.')) return [];
  const name = entry.fullPath.replace(/^\//, '') || entry.name;
  if (entry.isFile) return [{ name, blob: await fileOf(entry as FileSystemFileEntry) }];
  if (!entry.isDirectory) return [];
  const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
  const nested = await Promise.all(children.map(walk));
  return nested.flat().sort((a, b) => a.name.localeCompare(b.name));
}

/** Call inside the drop handler (synchronous part), await the result afterwards. */
export function filesFromDrop(dt: DataTransfer): Promise<NamedFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: NamedFile[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.() ?? null;
    const file = item.getAsFile();
    if (entry && entry.isDirectory) entries.push(entry);
    else if (file) loose.push({ name: file.name, blob: file });
  }
  if (entries.length === 0 && loose.length === 0) {
    for (const f of Array.from(dt.files)) loose.push({ name: f.name, blob: f });
  }
  return Promise.all(entries.map(walk)).then((nested) => [...loose, ...nested.flat()]);
}

/** Files from an <input type=file> (with folder paths when picked as a folder). */
export function filesFromInput(list: FileList | null): NamedFile[] {
  return Array.from(list ?? []).map((f) => ({ name: f.webkitRelativePath || f.name, blob: f }));
}
