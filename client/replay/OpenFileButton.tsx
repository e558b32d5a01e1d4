import { SESSION_FILE_EXTENSION } from '../../shared/history.js';

/** A file picker styled as a button; the input itself carries the test id so tests can set files on it. */
export function OpenFileButton({ onFile, primary = false, small = false }: { onFile: (file: File) => void; primary?: boolean; small?: boolean }) {
  return (
    <label className={`button${primary ? ' button-primary' : ''}${small ? ' button-small' : ''} replay-file-button`} title="Open an exported session file">
      <input
        type="file"
        className="visually-hidden"
        accept={`${SESSION_FILE_EXTENSION},application/octet-stream`}
        data-testid="replay-import"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
      Open file…
    </label>
  );
}
