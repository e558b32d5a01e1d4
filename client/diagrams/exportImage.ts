/**
 * The board (or the selection) as a PNG or SVG, with Excalidraw's own exporters. The choice of
 * elements, the file name and the PNG header check are pure and unit-tested; Excalidraw is
 * imported dynamically so this module stays out of the main bundle wherever it is imported from.
 */
import type { ExcalidrawElement, NonDeleted } from '@excalidraw/excalidraw/element/types';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { fileDay, fileSlug } from '../lib/download.js';

export type ExportFormat = 'png' | 'svg';
export const EXPORT_SCALES = [1, 2, 3] as const;
export type ExportScale = (typeof EXPORT_SCALES)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** fill with the board's background colour, or leave transparent */
  background: boolean;
  dark: boolean;
  scale: ExportScale;
  /** only what is selected (plus the labels and frame contents that belong to it) */
  onlySelected: boolean;
}

/** Excalidraw's own export dialog uses the same margin around the drawing. */
export const EXPORT_PADDING_PX = 10;

interface ElementLike {
  id: string;
  isDeleted: boolean;
  containerId?: string | null;
  frameId?: string | null;
}

/**
 * What to export. A selected container takes its label along and a selected frame its contents:
 * Excalidraw lists only the container or the frame in selectedElementIds.
 */
export function elementsToExport<T extends ElementLike>(elements: readonly T[], selectedIds: Readonly<Record<string, boolean>>, onlySelected: boolean): T[] {
  const live = elements.filter((e) => !e.isDeleted);
  if (!onlySelected) return live;
  return live.filter((e) => selectedIds[e.id] || (e.containerId && selectedIds[e.containerId]) || (e.frameId && selectedIds[e.frameId]));
}

export function selectedCount(elements: readonly ElementLike[], selectedIds: Readonly<Record<string, boolean>>): number {
  return elements.reduce((n, e) => (!e.isDeleted && selectedIds[e.id] ? n + 1 : n), 0);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "attn-attention-mechanisms-2026-11-29-1432.png": readable, filesystem-safe, sortable, no clashes within a day. */
export function exportFilename(title: string, format: ExportFormat, now: Date, onlySelected: boolean): string {
  const slug = fileSlug(title) || 'board';
  const stamp = `${fileDay(now)}-${pad2(now.getHours())}${pad2(now.getMinutes())}`;
  return `attn-${slug}-${stamp}${onlySelected ? '-selection' : ''}.${format}`;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export class NothingToExportError extends Error {
  override name = 'NothingToExportError';
}

/** Renders the export. SVGs come back as a Blob too, so downloading and uploading treat both alike. */
export async function renderExport(api: ExcalidrawImperativeAPI, options: ExportOptions): Promise<Blob> {
  const { exportToBlob, exportToSvg } = await import('@excalidraw/excalidraw');
  const appState = api.getAppState();
  const elements = elementsToExport(api.getSceneElements(), appState.selectedElementIds, options.onlySelected) as NonDeleted<ExcalidrawElement>[];
  if (elements.length === 0) {
    throw new NothingToExportError(options.onlySelected ? 'Nothing is selected: select something, or export the whole board.' : 'The board is empty: draw something first.');
  }
  const exportAppState = {
    exportBackground: options.background,
    exportWithDarkMode: options.dark,
    exportScale: options.scale,
    // An exported image is a picture, not a file to reopen: the scene stays in the room.
    exportEmbedScene: false,
    viewBackgroundColor: appState.viewBackgroundColor,
  };
  // Images placed on the board are in the files map; without it they export as blank boxes.
  const files = api.getFiles();
  if (options.format === 'svg') {
    const svg = await exportToSvg({ elements, appState: exportAppState, files, exportPadding: EXPORT_PADDING_PX });
    return new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' });
  }
  return exportToBlob({
    elements,
    appState: exportAppState,
    files,
    mimeType: 'image/png',
    exportPadding: EXPORT_PADDING_PX,
    // exportToBlob ignores appState.exportScale unless the size is given explicitly.
    getDimensions: (width: number, height: number) => ({ width: width * options.scale, height: height * options.scale, scale: options.scale }),
  });
}
