/**
 * What an uploaded image really is, from its first bytes. A Content-Type is the uploader's claim;
 * a browser that is handed the bytes (an <img>, a blob opened in a new tab) decides by what they
 * are, and an SVG or HTML page decided that way runs script in our origin. So the server checks
 * the signature at upload and again when serving, and the client types every blob it makes from
 * the signature, never from a header. Pure byte checks: no DOM or Node APIs.
 */

/** Raster types a browser only ever decodes as pixels: the only ones shown inline. */
export const INLINE_IMAGE_MIME = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type InlineImageMime = (typeof INLINE_IMAGE_MIME)[number];

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * The image type the bytes carry, or null when they are none of the rasters we accept (an SVG,
 * HTML, anything else). jfif is JPEG; bmp, x-icon and avif are recognised so Excalidraw's own
 * accepted types still upload, but only INLINE_IMAGE_MIME types are ever rendered inline.
 */
export function sniffImageMime(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 26) return 'image/bmp';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00]) && bytes.length >= 22) return 'image/x-icon';
  if (startsWith(bytes, ascii('ftyp'), 4) && (startsWith(bytes, ascii('avif'), 8) || startsWith(bytes, ascii('avis'), 8))) return 'image/avif';
  return null;
}

/** Declared types that name the same bytes (Excalidraw reports JPEG files as image/jfif). */
const SAME_AS: Readonly<Record<string, string>> = { 'image/jfif': 'image/jpeg', 'image/jpg': 'image/jpeg', 'image/vnd.microsoft.icon': 'image/x-icon' };

/** True when the bytes are the raster image the declared type says. */
export function bytesMatchMime(bytes: Uint8Array, declared: string): boolean {
  const sniffed = sniffImageMime(bytes);
  return sniffed !== null && sniffed === (SAME_AS[declared] ?? declared);
}

/** The type to render bytes inline with, or null: anything else is downloaded, never shown. */
export function inlineImageMime(bytes: Uint8Array): InlineImageMime | null {
  const sniffed = sniffImageMime(bytes);
  return (INLINE_IMAGE_MIME as readonly string[]).includes(sniffed ?? '') ? (sniffed as InlineImageMime) : null;
}
