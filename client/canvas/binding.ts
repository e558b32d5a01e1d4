/**
 * Binds an Excalidraw scene to the board doc, both ways, without a framework.
 *
 * The doc holds one Y.Map entry per element id (frozen plain JSON) and one per image file
 * (metadata only). Yjs settles concurrent writes to one key by client id, not by element
 * version, so the map alone can briefly hold the losing edit; every replica therefore re-checks
 * with `shouldReplace` and the replica holding the winner writes it back. The map and all scenes
 * converge on the element Excalidraw's own `reconcileElements` would pick.
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { Origin, boardElements, boardFiles } from '../../shared/doc.js';
import type { FileMeta, StoredElement } from '../../shared/doc.js';
import { LIMITS } from '../../shared/protocol.js';
import type { RoomKind } from '../../shared/capabilities.js';
import { bytesToDataUrl, dataUrlToBytes } from './dataUrl.js';
import { FileStoreError, FileTooLargeError, fileTooLargeMessage } from './fileStore.js';
import type { FileStore } from './fileStore.js';
import type { PeerEvent } from './signals.js';
import { CanvasPresence } from './presence.js';
import { compareByIndex, shouldReplace } from './versioning.js';
import type { VersionStamp } from './versioning.js';
import { CAPTURE_NEVER } from './excalidrawApi.js';
import type {
  AppState,
  BinaryFileData,
  BinaryFiles,
  ExcalidrawApiLike,
  OrderedExcalidrawElement,
  PointerUpdate,
  ReconcileFn,
} from './excalidrawApi.js';

/** A failed upload other than "too large" is retried on a later change, but not in a tight loop. */
export const UPLOAD_RETRY_DELAY_MS = 10_000;

export interface CanvasBindingOptions {
  /** the board doc */
  doc: Y.Doc;
  api: ExcalidrawApiLike;
  /** Excalidraw's `reconcileElements` (injected: this module never loads Excalidraw's runtime) */
  reconcile: ReconcileFn;
  /** shared with the code pad; presence is off without it */
  awareness?: Awareness | null;
  /** observers: the scene follows the doc, and the binding never writes to it */
  readOnly: boolean;
  fileStore: FileStore;
  /** a sentence for the user (upload refused, image failed to load) */
  onError?: (message: string) => void;
  presenceThrottleMs?: number;
  /** the room's kind, for who may summon (signals.ts) */
  kind?: RoomKind;
  /** a peer inserted a diagram or summoned everyone (presence.ts) */
  onPeerEvent?: (event: PeerEvent) => void;
}

type FileState =
  | { kind: 'uploading' }
  | { kind: 'loading' }
  | { kind: 'done' }
  | { kind: 'failed'; retryAt: number };

const EDIT_LOCK_KEYS = ['editingTextElement', 'resizingElement', 'newElement'] as const;

function stampOf(element: VersionStamp): VersionStamp {
  return { version: element.version, versionNonce: element.versionNonce };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A detached JSON copy. Into the map: frozen, so a later in-place mutation by Excalidraw
 * (it bumps versions and indices on its own objects) can never alter what was written. Out of
 * the map: mutable, because reconcileElements and updateScene fix indices in place.
 */
function toStored(element: OrderedExcalidrawElement): StoredElement {
  return deepFreeze(JSON.parse(JSON.stringify(element)) as StoredElement);
}

function toScene(stored: StoredElement): OrderedExcalidrawElement {
  return JSON.parse(JSON.stringify(stored)) as OrderedExcalidrawElement;
}

/** The board as the map holds it, as fresh scene objects in scene order (for initialData). */
export function elementsFromDoc(doc: Y.Doc): OrderedExcalidrawElement[] {
  return [...boardElements(doc).values()].map(toScene).sort(compareByIndex);
}

function isInvalidIndexError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ELEMENT_HAS_INVALID_INDEX';
}

export class CanvasBinding {
  readonly presence: CanvasPresence | null;
  private readonly doc: Y.Doc;
  private readonly api: ExcalidrawApiLike;
  private readonly reconcile: ReconcileFn;
  private readonly readOnly: boolean;
  private readonly fileStore: FileStore;
  private readonly onError: ((message: string) => void) | undefined;
  private readonly elements: Y.Map<StoredElement>;
  private readonly files: Y.Map<FileMeta>;
  /**
   * The stamp the map holds for each id, as far as this replica has seen (its own writes and
   * remote events). onChange fires on every pointer move; this lets it skip unchanged elements
   * without reading the doc.
   */
  private readonly synced = new Map<string, VersionStamp>();
  /** Remote winners Excalidraw kept out because the local user is editing that element. */
  private readonly heldBack = new Set<string>();
  /**
   * Observers only: elements whose shown version differs from the map's. reconcileElements
   * repairs clashing indices by bumping versions, and an observer can see a clash that exists
   * only in the partial state it happens to hold; with no write of its own to settle it, the
   * repaired copy would outrank the map forever. These are handed back with the next change.
   */
  private readonly diverged = new Set<string>();
  private readonly fileStates = new Map<string, FileState>();
  private readonly inFlight = new Set<Promise<void>>();
  private destroyed = false;

  constructor(options: CanvasBindingOptions) {
    this.doc = options.doc;
    this.api = options.api;
    this.reconcile = options.reconcile;
    this.readOnly = options.readOnly;
    this.fileStore = options.fileStore;
    this.onError = options.onError;
    this.elements = boardElements(this.doc);
    this.files = boardFiles(this.doc);

    this.elements.observe(this.onElementsEvent);
    this.files.observe(this.onFilesEvent);

    // Initial load: the scene is whatever the map holds, merged with anything already on the
    // canvas. Whatever the provider has not delivered yet arrives later as remote events.
    this.applyRemote([...this.elements.keys()]);
    this.writeLocal(this.api.getSceneElementsIncludingDeleted());
    for (const id of this.files.keys()) this.ensureFileLoaded(id);

    this.presence = options.awareness
      ? new CanvasPresence({
          awareness: options.awareness,
          api: this.api,
          ...(options.kind ? { kind: options.kind } : {}),
          ...(options.presenceThrottleMs !== undefined ? { throttleMs: options.presenceThrottleMs } : {}),
          ...(options.onPeerEvent ? { onPeerEvent: options.onPeerEvent } : {}),
        })
      : null;
  }

  /** Wire to Excalidraw's `onChange`. */
  onChange(elements: readonly OrderedExcalidrawElement[], appState: AppState, files: BinaryFiles): void {
    if (this.destroyed) return;
    this.writeLocal(elements);
    if (this.heldBack.size > 0) this.retryHeldBack(appState);
    this.uploadNewFiles(files);
    this.presence?.onAppState(appState);
  }

  /** Wire to Excalidraw's `onPointerUpdate`. */
  onPointerUpdate(payload: PointerUpdate): void {
    if (this.destroyed) return;
    this.presence?.onPointerUpdate(payload);
  }

  /** Resolves when no upload or download is in flight (tests; also handy before unmount). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.elements.unobserve(this.onElementsEvent);
    this.files.unobserve(this.onFilesEvent);
    this.presence?.destroy();
  }

  // ---- elements: scene -> doc ------------------------------------------------------------

  private writeLocal(elements: readonly OrderedExcalidrawElement[]): void {
    if (this.readOnly || this.destroyed) return;
    const winners: OrderedExcalidrawElement[] = [];
    for (const element of elements) {
      const known = this.synced.get(element.id);
      if (known && !shouldReplace(known, element)) continue;
      const stored = this.elements.get(element.id);
      if (stored && !shouldReplace(stored, element)) {
        this.synced.set(element.id, stampOf(stored));
        continue;
      }
      winners.push(element);
    }
    if (winners.length === 0) return;
    this.doc.transact(() => {
      for (const element of winners) {
        this.elements.set(element.id, toStored(element));
        this.synced.set(element.id, stampOf(element));
      }
    }, Origin.canvasLocal);
  }

  // ---- elements: doc -> scene ------------------------------------------------------------

  private readonly onElementsEvent = (event: Y.YMapEvent<StoredElement>): void => {
    if (event.transaction.origin === Origin.canvasLocal) return;
    this.applyRemote([...event.keysChanged]);
  };

  private applyRemote(changed: readonly string[]): void {
    if (this.destroyed || changed.length === 0) return;
    const ids = this.readOnly && this.diverged.size > 0 ? new Set([...changed, ...this.diverged]) : changed;
    const remote: OrderedExcalidrawElement[] = [];
    const remoteStamps = new Map<string, VersionStamp>();
    for (const id of ids) {
      const stored = this.elements.get(id);
      // A key can look deleted for a moment: Yjs applies an update's deletions at once but
      // parks its new items until their causal predecessors arrive, so an overwrite received
      // out of order first shows as a removal. Nothing here removes keys (deletes are
      // tombstones), so keep the scene and the stamp as they are and wait for the new value.
      if (!stored) continue;
      this.synced.set(id, stampOf(stored));
      remoteStamps.set(id, stampOf(stored));
      remote.push(toScene(stored));
    }
    if (remote.length === 0) return;

    let local = this.api.getSceneElementsIncludingDeleted();
    if (this.readOnly) {
      // An observer never edits, so its scene has no authority: the doc wins outright, even
      // over a local index repair with a luckier versionNonce.
      local = local.filter((element) => !remoteStamps.has(element.id));
    }
    const appState = this.api.getAppState();
    const next = this.reconcileSafely(local, remote, appState);
    this.api.updateScene({ elements: next, captureUpdate: CAPTURE_NEVER });

    if (this.readOnly) {
      this.diverged.clear();
      for (const element of next) {
        const stamp = this.synced.get(element.id);
        if (stamp && (stamp.version !== element.version || stamp.versionNonce !== element.versionNonce)) {
          this.diverged.add(element.id);
        }
      }
    }

    const shown = new Map(next.map((element) => [element.id, element]));
    for (const [id, stamp] of remoteStamps) {
      const element = shown.get(id);
      if (element && shouldReplace(element, stamp)) this.heldBack.add(id);
      else this.heldBack.delete(id);
    }
    // The scene may now be ahead of the map: the local side of a Yjs conflict that lost by
    // client id, or indices reconcileElements just repaired. Write those back.
    this.writeLocal(this.api.getSceneElementsIncludingDeleted());
  }

  private reconcileSafely(
    local: readonly OrderedExcalidrawElement[],
    remote: readonly OrderedExcalidrawElement[],
    appState: AppState,
  ): readonly OrderedExcalidrawElement[] {
    try {
      return this.reconcile(local, remote, appState);
    } catch (error) {
      // Excalidraw's development build validates fractional indices before repairing them and
      // throws on duplicates, which concurrent inserts on two replicas legitimately produce.
      // The check is throttled to once a minute, so the second call goes through and repairs.
      if (!isInvalidIndexError(error)) throw error;
      return this.reconcile(local, remote, appState);
    }
  }

  private retryHeldBack(appState: AppState): void {
    const editing = new Set<string>();
    for (const key of EDIT_LOCK_KEYS) {
      const element = appState[key] as { id?: string } | null | undefined;
      if (element?.id) editing.add(element.id);
    }
    const ready = [...this.heldBack].filter((id) => !editing.has(id));
    if (ready.length > 0) this.applyRemote(ready);
  }

  // ---- files -----------------------------------------------------------------------------

  private readonly onFilesEvent = (event: Y.YMapEvent<FileMeta>): void => {
    for (const id of event.keysChanged) {
      if (this.files.has(id)) this.ensureFileLoaded(id);
    }
  };

  private uploadNewFiles(files: BinaryFiles): void {
    if (this.readOnly) return;
    for (const file of Object.values(files)) {
      if (this.files.has(file.id)) continue;
      const state = this.fileStates.get(file.id);
      if (state && !(state.kind === 'failed' && Date.now() >= state.retryAt)) continue;
      this.track(this.upload(file));
    }
  }

  private async upload(file: BinaryFileData): Promise<void> {
    this.fileStates.set(file.id, { kind: 'uploading' });
    let bytes: Uint8Array<ArrayBuffer>;
    let mimeType: string;
    try {
      const decoded = dataUrlToBytes(file.dataURL);
      bytes = decoded.bytes;
      mimeType = file.mimeType || decoded.mimeType;
    } catch {
      this.fileStates.set(file.id, { kind: 'failed', retryAt: Number.POSITIVE_INFINITY });
      this.reportError('This image could not be read, so it was not shared.');
      return;
    }
    // Checked here as well as by the server so the user hears why at once, without sending
    // megabytes that are bound to be refused.
    if (bytes.byteLength > LIMITS.MAX_FILE_BYTES) {
      this.fileStates.set(file.id, { kind: 'failed', retryAt: Number.POSITIVE_INFINITY });
      this.reportError(fileTooLargeMessage(bytes.byteLength));
      return;
    }
    try {
      await this.fileStore.put(file.id, mimeType, bytes);
    } catch (error) {
      const permanent = error instanceof FileTooLargeError;
      this.fileStates.set(file.id, {
        kind: 'failed',
        retryAt: permanent ? Number.POSITIVE_INFINITY : Date.now() + UPLOAD_RETRY_DELAY_MS,
      });
      this.reportError(
        error instanceof FileStoreError ? error.message : `Could not upload the image: ${String(error)}`,
      );
      return;
    }
    this.fileStates.set(file.id, { kind: 'done' });
    // Metadata only after the bytes are stored: a peer that sees the id can always fetch it.
    // Written even if the canvas unmounted meanwhile, since the element already references it.
    const meta: FileMeta = { id: file.id, mimeType, size: bytes.byteLength, created: file.created };
    this.doc.transact(() => this.files.set(file.id, deepFreeze(meta)), Origin.canvasLocal);
  }

  private ensureFileLoaded(id: string): void {
    if (this.destroyed || this.fileStates.has(id) || this.api.getFiles()[id]) return;
    this.fileStates.set(id, { kind: 'loading' });
    this.track(this.download(id));
  }

  private async download(id: string): Promise<void> {
    let result: Awaited<ReturnType<FileStore['get']>>;
    try {
      result = await this.fileStore.get(id);
    } catch (error) {
      this.fileStates.set(id, { kind: 'failed', retryAt: Number.POSITIVE_INFINITY });
      if (!this.destroyed) {
        this.reportError(error instanceof FileStoreError ? error.message : `Could not load an image: ${String(error)}`);
      }
      return;
    }
    if (this.destroyed) return;
    const meta = this.files.get(id);
    const mimeType = meta?.mimeType ?? result.mimeType ?? 'application/octet-stream';
    const now = Date.now();
    this.api.addFiles([
      {
        id,
        mimeType,
        dataURL: bytesToDataUrl(result.bytes, mimeType),
        created: meta?.created ?? now,
        lastRetrieved: now,
      } as BinaryFileData,
    ]);
    this.fileStates.set(id, { kind: 'done' });
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.reportError(`Image sync failed: ${String(error)}`))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private reportError(message: string): void {
    if (this.onError) this.onError(message);
    else console.warn(`[canvas] ${message}`);
  }
}
