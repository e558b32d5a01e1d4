/** Hands a Blob to the browser as a file download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Hands bytes to the browser as a file download. */
export function saveBytes(bytes: Uint8Array, filename: string, type = 'application/octet-stream'): void {
  saveBlob(new Blob([new Uint8Array(bytes)], { type }), filename);
}
