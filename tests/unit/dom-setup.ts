// Setup for the `unit-dom` project: just enough browser for Excalidraw to import and run its
// pure helpers (reconcileElements, convertToExcalidrawElements, restoreElements) in jsdom.
import 'vitest-canvas-mock';

// jsdom has neither FontFace nor document.fonts, and Excalidraw registers its fonts at import
// time, so without these the package throws before a single test runs.
class FontFaceStub {
  readonly family: string;
  readonly source: string;
  readonly descriptors: Record<string, unknown>;
  status: 'unloaded' | 'loading' | 'loaded' | 'error' = 'unloaded';
  constructor(family: string, source: string, descriptors: Record<string, unknown> = {}) {
    this.family = family;
    this.source = source;
    this.descriptors = descriptors;
  }
  load(): Promise<this> {
    this.status = 'loaded';
    return Promise.resolve(this);
  }
}

if (!('FontFace' in globalThis)) {
  Object.defineProperty(globalThis, 'FontFace', { value: FontFaceStub, configurable: true, writable: true });
}

if (!('fonts' in document)) {
  const faces = new Set<FontFaceStub>();
  const fonts = Object.assign(new EventTarget(), {
    status: 'loaded',
    ready: Promise.resolve(),
    add: (face: FontFaceStub) => void faces.add(face),
    delete: (face: FontFaceStub) => faces.delete(face),
    has: (face: FontFaceStub) => faces.has(face),
    clear: () => faces.clear(),
    check: () => true,
    load: () => Promise.resolve([]),
    forEach: (cb: (face: FontFaceStub) => void) => faces.forEach(cb),
    [Symbol.iterator]: () => faces.values(),
  });
  Object.defineProperty(document, 'fonts', { value: fonts, configurable: true });
}

// jsdom has <dialog> but not its modal methods; the app's dialogs call both.
const dialogProto = HTMLDialogElement.prototype as { showModal?: () => void; close?: () => void };
dialogProto.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute('open', '');
};
dialogProto.close ??= function (this: HTMLDialogElement) {
  this.removeAttribute('open');
};
