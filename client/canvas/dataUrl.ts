/** Converting between Excalidraw's `dataURL`s and the raw bytes our file REST API stores. */

export interface DecodedDataUrl {
  mimeType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export function dataUrlToBytes(dataUrl: string): DecodedDataUrl {
  const comma = dataUrl.indexOf(',');
  if (!dataUrl.startsWith('data:') || comma < 0) {
    throw new Error('not a data: URL');
  }
  const header = dataUrl.slice('data:'.length, comma);
  const payload = dataUrl.slice(comma + 1);
  const params = header.split(';');
  const mimeType = params[0] || 'application/octet-stream';
  if (params.includes('base64')) {
    const binary = atob(payload);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return { mimeType, bytes };
  }
  // Excalidraw reads files with FileReader.readAsDataURL (always base64), but a pasted SVG can
  // arrive percent-encoded; accept both rather than upload garbage.
  return { mimeType, bytes: new TextEncoder().encode(decodeURIComponent(payload)) };
}

/** Chunked so a multi-megabyte image does not blow the argument limit of String.fromCharCode. */
const CHARS_PER_CHUNK = 0x8000;

export function bytesToDataUrl(bytes: Uint8Array, mimeType: string): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHARS_PER_CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHARS_PER_CHUNK));
  }
  return `data:${mimeType};base64,${btoa(binary)}`;
}
