/** Image export, the pure half: which elements, the file name, and reading a PNG's size. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { elementsToExport, exportFilename, pngSize, selectedCount } from '../../client/diagrams/exportImage.js';
import { contentFileId } from '../../client/diagrams/attachmentsApi.js';

const el = (id: string, extra: { isDeleted?: boolean; containerId?: string | null; frameId?: string | null } = {}) => ({
  id,
  isDeleted: false,
  ...extra,
});

describe('elementsToExport', () => {
  const scene = [
    el('box'),
    el('label', { containerId: 'box' }),
    el('arrow'),
    el('frame'),
    el('inFrame', { frameId: 'frame' }),
    el('gone', { isDeleted: true }),
    el('goneLabel', { containerId: 'box', isDeleted: true }),
  ];

  it('exports the live board, never tombstones', () => {
    expect(elementsToExport(scene, {}, false).map((e) => e.id)).toEqual(['box', 'label', 'arrow', 'frame', 'inFrame']);
  });

  it('exports a selected container with its label and a selected frame with its contents', () => {
    expect(elementsToExport(scene, { box: true }, true).map((e) => e.id)).toEqual(['box', 'label']);
    expect(elementsToExport(scene, { frame: true, arrow: true }, true).map((e) => e.id)).toEqual(['arrow', 'frame', 'inFrame']);
    expect(elementsToExport(scene, { gone: true }, true)).toEqual([]);
  });

  it('counts only live selected elements', () => {
    expect(selectedCount(scene, { box: true, gone: true, nosuch: true })).toBe(1);
  });
});

describe('exportFilename', () => {
  const at = new Date(2026, 10, 29, 9, 5);
  it('is the room title and the date and time, safe for any file system', () => {
    expect(exportFilename('Attention: Q/K/V & softmax', 'png', at, false)).toBe('attn-attention-q-k-v-softmax-2026-11-29-0905.png');
    expect(exportFilename('Ünïcödé café', 'svg', at, true)).toBe('attn-unicode-cafe-2026-11-29-0905-selection.svg');
  });
  it('falls back to "board" and keeps long titles short', () => {
    expect(exportFilename('  ***  ', 'png', at, false)).toBe('attn-board-2026-11-29-0905.png');
    const long = exportFilename('x'.repeat(59) + ' yyyy', 'png', at, false);
    expect(long).toBe(`attn-${'x'.repeat(59)}-2026-11-29-0905.png`);
  });
});

describe('pngSize', () => {
  it('reads width and height from the IHDR chunk', () => {
    const png = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/gradient-64.png')));
    expect(pngSize(png)).toEqual({ width: 64, height: 64 });
  });
  it('says null for anything else', () => {
    expect(pngSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull();
    expect(pngSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
  });
});

describe('contentFileId', () => {
  it('is the SHA-256 of the bytes, a valid file id, the same for the same picture', async () => {
    const a = await contentFileId(new Uint8Array([1, 2, 3]));
    expect(a).toBe('039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,128}$/);
    expect(await contentFileId(new Uint8Array([1, 2, 3]))).toBe(a);
  });
});
