/**
 * Test doubles for the canvas binding: an in-memory Excalidraw that honours the slice of the
 * imperative API the binding uses, a seeded PRNG, a fractional-index generator, and a fake
 * fetch for the file REST API. Shared by the canvas-*.test.ts files; no Excalidraw runtime here.
 */
import type { OnUserFollowedPayload } from '@excalidraw/excalidraw/types';
import type {
  AppState,
  BinaryFileData,
  BinaryFiles,
  ExcalidrawApiLike,
  OrderedExcalidrawElement,
  SceneUpdate,
} from '../../client/canvas/excalidrawApi.js';
import { compareByIndex } from '../../client/canvas/versioning.js';
import { mulberry32 } from '../../questions/_lib/rng.js';

/** mulberry32 (the challenges' seeded generator) drives a fuzz test reproducibly from one integer. */
export { mulberry32 };

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
  nonce(): number {
    return this.int(2 ** 31);
  }
}

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fraction t with "" < t < s that does not end in '0' (s itself never does). */
function fractionBelow(s: string): string {
  const first = DIGITS.indexOf(s[0] ?? '');
  if (first < 0) throw new Error(`not a base-62 fraction: ${s}`);
  if (first >= 2) return DIGITS[Math.floor(first / 2)] as string;
  return '0' + (first === 1 ? 'V' : fractionBelow(s.slice(1)));
}

/**
 * A fractional index strictly between two valid ones, in the format Excalidraw's
 * fractional-indexing accepts (appending base-62 digits extends the fraction). Never in front
 * of the first element: callers insert after something, as Excalidraw's "add" does.
 */
export function indexBetween(lo: string | null, hi: string | null): string {
  if (lo === null) {
    if (hi === null) return 'a0';
    throw new Error('indexBetween: inserting in front is not supported');
  }
  const key = hi !== null && hi.startsWith(lo) ? lo + fractionBelow(hi.slice(lo.length)) : lo + 'V';
  if (!(key > lo) || (hi !== null && !(key < hi))) throw new Error(`indexBetween(${lo}, ${hi}) gave ${key}`);
  return key;
}

type FollowListener = (payload: OnUserFollowedPayload) => void;

const BASE_APP_STATE = {
  editingTextElement: null,
  resizingElement: null,
  newElement: null,
  selectedElementIds: {},
  scrollX: 0,
  scrollY: 0,
  zoom: { value: 1 },
  width: 1200,
  height: 800,
  collaborators: new Map(),
  userToFollow: null,
  followedBy: new Set(),
  viewModeEnabled: false,
};

/**
 * An in-memory Excalidraw. `updateScene` replaces the scene wholesale, as the real one does;
 * local user actions go through `edit`/`add`, which bump versions the way Excalidraw's
 * mutateElement does and then fire `onChange`, like a re-render would.
 */
export class FakeExcalidraw implements ExcalidrawApiLike {
  elements: OrderedExcalidrawElement[] = [];
  files: BinaryFiles = {};
  appState: AppState;
  readonly sceneUpdates: SceneUpdate[] = [];
  onChangeListener: ((elements: readonly OrderedExcalidrawElement[], appState: AppState, files: BinaryFiles) => void) | null =
    null;
  private readonly followListeners = new Set<FollowListener>();
  private readonly nonce: () => number;

  constructor(nonce: () => number = () => Math.floor(Math.random() * 2 ** 31)) {
    this.nonce = nonce;
    this.appState = { ...BASE_APP_STATE, collaborators: new Map(), followedBy: new Set() } as unknown as AppState;
  }

  getSceneElementsIncludingDeleted(): readonly OrderedExcalidrawElement[] {
    return this.elements;
  }
  getAppState(): AppState {
    return this.appState;
  }
  updateScene<K extends keyof AppState>(scene: SceneUpdate<K>): void {
    this.sceneUpdates.push(scene as SceneUpdate);
    if (scene.elements) this.elements = [...scene.elements];
    if (scene.appState) this.appState = { ...this.appState, ...scene.appState };
    if (scene.collaborators) this.appState = { ...this.appState, collaborators: scene.collaborators };
  }
  addFiles(files: BinaryFileData[]): void {
    for (const file of files) this.files = { ...this.files, [file.id]: file };
  }
  getFiles(): BinaryFiles {
    return this.files;
  }
  onUserFollow(callback: FollowListener): () => void {
    this.followListeners.add(callback);
    return () => this.followListeners.delete(callback);
  }

  // ---- driving it like a user -----------------------------------------------------------

  emitFollow(payload: OnUserFollowedPayload): void {
    for (const listener of this.followListeners) listener(payload);
  }

  get(id: string): OrderedExcalidrawElement | undefined {
    return this.elements.find((element) => element.id === id);
  }

  /** Updates with elements that would reach Excalidraw's undo stack. */
  get undoableElementUpdates(): SceneUpdate[] {
    return this.sceneUpdates.filter((update) => update.elements && update.captureUpdate !== 'NEVER');
  }

  add(element: OrderedExcalidrawElement): OrderedExcalidrawElement {
    this.elements = [...this.elements, element].sort(compareByIndex);
    this.fireChange();
    return element;
  }

  /** A local edit: a new object with version + 1 and a fresh nonce, as newElementWith makes. */
  edit(id: string, patch: Record<string, unknown>, versionNonce = this.nonce()): OrderedExcalidrawElement {
    const current = this.get(id);
    if (!current) throw new Error(`no element ${id} in the scene`);
    const next = { ...current, ...patch, version: current.version + 1, versionNonce } as OrderedExcalidrawElement;
    this.elements = this.elements.map((element) => (element.id === id ? next : element)).sort(compareByIndex);
    this.fireChange();
    return next;
  }

  setAppState(patch: Partial<AppState>): void {
    this.appState = { ...this.appState, ...patch };
    this.fireChange();
  }

  fireChange(): void {
    this.onChangeListener?.(this.elements, this.appState, this.files);
  }
}

export interface FakeResponseInit {
  status?: number;
  body?: BodyInit | null;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

/** A fetch that records requests and answers through a handler (which may wait). */
export function fakeFetch(handler: (request: RecordedRequest) => FakeResponseInit | Promise<FakeResponseInit>) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const raw = init?.body;
    const body = raw instanceof Uint8Array ? new Uint8Array(raw) : raw == null ? null : new Uint8Array(0);
    const request: RecordedRequest = { url: input, method: init?.method ?? 'GET', headers, body };
    requests.push(request);
    const answer = await handler(request);
    return new Response(answer.body ?? null, { status: answer.status ?? 200, headers: answer.headers ?? {} });
  };
  return { fetch, requests };
}

/** A promise with its resolve exposed, to hold a fake server's answer until the test says so. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
