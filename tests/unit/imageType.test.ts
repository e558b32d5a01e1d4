/** shared/imageType.ts: what uploaded bytes are, decided by their signature (issue 12, finding 4). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesMatchMime, inlineImageMime, sniffImageMime } from '../../shared/imageType.js';

const text = (s: string) => new TextEncoder().encode(s);
const PNG = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/gradient-64.png')));
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('sniffImageMime', () => {
  it('recognises each accepted raster by its signature', () => {
    expect(sniffImageMime(PNG)).toBe('image/png');
    expect(sniffImageMime(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffImageMime(text('GIF87a....'))).toBe('image/gif');
    expect(sniffImageMime(new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP8 ')]))).toBe('image/webp');
    expect(sniffImageMime(new Uint8Array([...ascii('BM'), ...new Array(30).fill(0)]))).toBe('image/bmp');
    expect(sniffImageMime(new Uint8Array([0, 0, 1, 0, ...new Array(30).fill(0)]))).toBe('image/x-icon');
    expect(sniffImageMime(new Uint8Array([0, 0, 0, 28, ...ascii('ftypavif'), 0, 0]))).toBe('image/avif');
  });

  it('recognises no document that can carry script', () => {
    for (const doc of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?><svg/>',
      '<!doctype html><script>alert(1)</script>',
      '\uFEFF<html>',
      '%PDF-1.7',
      '',
    ]) {
      expect(sniffImageMime(text(doc)), doc).toBeNull();
    }
    // A truncated signature is not the image.
    expect(sniffImageMime(PNG.slice(0, 7))).toBeNull();
  });
});

describe('bytesMatchMime and inlineImageMime', () => {
  it('match only the declared type (jfif is JPEG)', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xdb]);
    expect(bytesMatchMime(jpeg, 'image/jpeg')).toBe(true);
    expect(bytesMatchMime(jpeg, 'image/jfif')).toBe(true);
    expect(bytesMatchMime(PNG, 'image/jpeg')).toBe(false);
    expect(bytesMatchMime(text('<svg/>'), 'image/svg+xml')).toBe(false);
  });

  it('shows inline only PNG, JPEG, GIF and WebP', () => {
    expect(inlineImageMime(PNG)).toBe('image/png');
    expect(inlineImageMime(new Uint8Array([...ascii('BM'), ...new Array(30).fill(0)]))).toBeNull();
    expect(inlineImageMime(text('<svg onload=alert(1)>'))).toBeNull();
  });
});
