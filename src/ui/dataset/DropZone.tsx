/** A drop target for files and folders with pickers beside it; the inputs carry the accessible names. */
import { useState, type ReactNode } from 'react';
import { filesFromDrop, filesFromInput, type NamedFile } from './dropFiles';

interface Props {
  /** Accessible name of the files input, e.g. "Normal images". */
  label: string;
  onFiles(files: NamedFile[]): void;
  disabled?: boolean;
  children?: ReactNode;
  testId: string;
}

export function DropZone({ label, onFiles, disabled, children, testId }: Props) {
  const [over, setOver] = useState(false);
  const take = (files: NamedFile[]) => {
    if (files.length > 0 && !disabled) onFiles(files);
  };
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        filesFromDrop(e.dataTransfer).then(take, (err: unknown) => console.error('Reading the dropped files failed', err));
      }}
    >
      {children}
      <div className="pickers">
        <label className="btn small">
          Choose files
          <input
            className="visually-hidden"
            type="file"
            multiple
            // TIFF named too: some systems do not count .tif as image/* in the file picker.
            accept="image/*,.tif,.tiff"
            aria-label={label}
            disabled={disabled}
            onChange={(e) => {
              take(filesFromInput(e.currentTarget.files));
              e.currentTarget.value = '';
            }}
          />
        </label>
        <label className="btn small">
          Choose a folder
          <input
            className="visually-hidden"
            type="file"
            multiple
            aria-label={`${label} folder`}
            disabled={disabled}
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            onChange={(e) => {
              take(filesFromInput(e.currentTarget.files));
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
    </div>
  );
}
