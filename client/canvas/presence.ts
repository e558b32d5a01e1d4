/**
 * Canvas presence over Yjs awareness: publishes the local pointer, selection, viewport and
 * follow target, and renders everyone else as Excalidraw collaborators (cursors, laser trails,
 * remote selections, the avatar list with follow mode).
 */
import type { Awareness } from 'y-protocols/awareness';
import type { RoomKind } from '../../shared/capabilities.js';
import type { AwarenessState, CanvasPointer, ViewportBounds } from '../../shared/doc.js';
import type {
  AppState,
  Collaborator,
  ExcalidrawApiLike,
  PointerUpdate,
  SocketId,
} from './excalidrawApi.js';
import type { OnUserFollowedPayload } from '@excalidraw/excalidraw/types';
import { PeerSignals, nextSeq, type PeerEvent } from './signals.js';

/**
 * Pointer moves arrive at frame rate; every awareness change is a message to every peer.
 * ~25 updates a second keeps remote cursors smooth enough without flooding the room.
 */
export const PRESENCE_THROTTLE_MS = 40;

/** Excalidraw's own zoom limits (MIN_ZOOM / MAX_ZOOM in its constants). */
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 30;

type ViewState = Pick<AppState, 'scrollX' | 'scrollY' | 'width' | 'height'> & { zoom: { value: number } };

/** Scene coordinates of what the canvas shows (Excalidraw maps scene -> screen as (p + scroll) * zoom). */
export function visibleSceneBounds(view: ViewState): ViewportBounds {
  const zoom = view.zoom.value;
  return {
    minX: -view.scrollX,
    minY: -view.scrollY,
    maxX: -view.scrollX + view.width / zoom,
    maxY: -view.scrollY + view.height / zoom,
  };
}

/**
 * The scroll and zoom that fit `bounds` into a canvas of the given size, centred. Screens differ
 * in size and aspect, so a follower sees at least what the followed user sees, not exactly it.
 */
export function viewForBounds(
  bounds: ViewportBounds,
  canvas: { width: number; height: number },
): { scrollX: number; scrollY: number; zoom: { value: number } } {
  const boundsWidth = Math.max(bounds.maxX - bounds.minX, 1e-6);
  const boundsHeight = Math.max(bounds.maxY - bounds.minY, 1e-6);
  const fit = Math.min(canvas.width / boundsWidth, canvas.height / boundsHeight);
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Number.isFinite(fit) && fit > 0 ? fit : 1));
  const centerX = (bounds.minX + bounds.maxX) / 2;
  const centerY = (bounds.minY + bounds.maxY) / 2;
  return {
    scrollX: canvas.width / (2 * zoom) - centerX,
    scrollY: canvas.height / (2 * zoom) - centerY,
    zoom: { value: zoom },
  };
}

/**
 * The view that shows `bounds` with a margin, never zoomed in past 100% (a small diagram is shown
 * at its normal size, not blown up).
 */
export function viewShowing(
  bounds: ViewportBounds,
  canvas: { width: number; height: number },
): { scrollX: number; scrollY: number; zoom: { value: number } } {
  const marginX = (bounds.maxX - bounds.minX) * 0.1 + 20;
  const marginY = (bounds.maxY - bounds.minY) * 0.1 + 20;
  const padded = { minX: bounds.minX - marginX, minY: bounds.minY - marginY, maxX: bounds.maxX + marginX, maxY: bounds.maxY + marginY };
  const fitted = viewForBounds(padded, canvas);
  if (fitted.zoom.value <= 1) return fitted;
  const centerX = (bounds.minX + bounds.maxX) / 2;
  const centerY = (bounds.minY + bounds.maxY) / 2;
  return { scrollX: canvas.width / 2 - centerX, scrollY: canvas.height / 2 - centerY, zoom: { value: 1 } };
}

function sameBounds(a: ViewportBounds | null | undefined, b: ViewportBounds | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.minX === b.minX && a.minY === b.minY && a.maxX === b.maxX && a.maxY === b.maxY;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Awareness comes from other clients: check the shape before Excalidraw renders it. */
function validPointer(value: unknown): CanvasPointer | null {
  const p = value as Partial<CanvasPointer> | null | undefined;
  if (!p || !isFiniteNumber(p.x) || !isFiniteNumber(p.y)) return null;
  return {
    x: p.x,
    y: p.y,
    tool: p.tool === 'laser' ? 'laser' : 'pointer',
    button: p.button === 'down' ? 'down' : 'up',
  };
}

function validBounds(value: unknown): ViewportBounds | null {
  const b = value as Partial<ViewportBounds> | null | undefined;
  if (!b || !isFiniteNumber(b.minX) || !isFiniteNumber(b.minY) || !isFiniteNumber(b.maxX) || !isFiniteNumber(b.maxY)) {
    return null;
  }
  return { minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY };
}

/** Excalidraw keys collaborators by "socket id"; ours is the awareness client id as a string. */
export function socketIdOf(clientId: number): SocketId {
  return String(clientId) as SocketId;
}

/** Excalidraw 0.18's string hash (data/... hashToInteger), reproduced to predict its colours. */
function excalidrawHash(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = ((hash << 5) - hash + id.charCodeAt(i)) | 0;
  return hash;
}

/** Hue in degrees of a `#rrggbb` colour, or null for anything else. */
export function hueOf(hex: string): number | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
  if (!m) return null;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

const collaboratorIds = new Map<string, string>();

/**
 * Excalidraw 0.18 ignores a collaborator's `color` for pointers and avatars: it hashes
 * `collaborator.id` into one of 37 pastel hues. So we choose the id: the socket id plus the first
 * suffix whose hash lands on the hue bucket of the user's own colour, keeping one person's colour
 * the same on the canvas, in the pad and in the presence bar.
 */
export function collaboratorIdFor(socketId: string, color: string | undefined): string {
  const hue = color ? hueOf(color) : null;
  if (hue === null) return socketId;
  const key = `${socketId}|${color}`;
  const cached = collaboratorIds.get(key);
  if (cached) return cached;
  const bucket = Math.round(hue / 10) % 37;
  let id = socketId;
  for (let n = 0; n < 2000; n++) {
    const candidate = `${socketId}~${n}`;
    if (Math.abs(excalidrawHash(candidate)) % 37 === bucket) {
      id = candidate;
      break;
    }
  }
  collaboratorIds.set(key, id);
  return id;
}

export function collaboratorsFromStates(
  states: ReadonlyMap<number, AwarenessState>,
  localClientId: number,
): Map<SocketId, Collaborator> {
  const collaborators = new Map<SocketId, Collaborator>();
  for (const [clientId, state] of states) {
    if (clientId === localClientId) continue;
    const user = state.user;
    if (!user || typeof user.name !== 'string') continue;
    const socketId = socketIdOf(clientId);
    const pointer = validPointer(state.pointer);
    const color = typeof user.color === 'string' ? user.color : undefined;
    const selected = state.selectedElementIds;
    collaborators.set(socketId, {
      id: collaboratorIdFor(socketId, color),
      socketId,
      username: user.name,
      ...(color ? { color: { background: color, stroke: color } } : {}),
      ...(pointer
        ? { pointer: { x: pointer.x, y: pointer.y, tool: pointer.tool }, button: pointer.button }
        : {}),
      ...(selected && typeof selected === 'object' ? { selectedElementIds: selected } : {}),
    });
  }
  return collaborators;
}

/** Socket ids of the clients currently following `localClientId`. */
export function followersOf(states: ReadonlyMap<number, AwarenessState>, localClientId: number): Set<SocketId> {
  const followers = new Set<SocketId>();
  for (const [clientId, state] of states) {
    if (clientId !== localClientId && state.following === localClientId) followers.add(socketIdOf(clientId));
  }
  return followers;
}

function selectionKey(ids: Readonly<Record<string, boolean>>): string {
  return Object.keys(ids)
    .filter((id) => ids[id])
    .sort()
    .join('\u0000');
}

export interface CanvasPresenceOptions {
  awareness: Awareness;
  api: ExcalidrawApiLike;
  throttleMs?: number;
  /** the room's kind, for who may summon (signals.ts); an interview when absent */
  kind?: RoomKind;
  /** A peer inserted a diagram or brought everyone to their view (after the view has moved). */
  onPeerEvent?: (event: PeerEvent) => void;
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export class CanvasPresence {
  private readonly awareness: Awareness;
  private readonly api: ExcalidrawApiLike;
  private readonly throttleMs: number;
  private pending: Partial<AwarenessState> | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastPointer: CanvasPointer | null = null;
  private lastSelection = '';
  private lastViewport: ViewportBounds | null = null;
  private lastFollowers = '';
  /** awareness client id we follow, mirrored from Excalidraw's appState.userToFollow */
  private following: number | null = null;
  private appliedFollowViewport: ViewportBounds | null = null;
  private readonly unsubscribeFollow: (() => void) | null;
  private readonly signals: PeerSignals;
  private readonly onPeerEvent: ((event: PeerEvent) => void) | undefined;
  private destroyed = false;

  constructor(options: CanvasPresenceOptions) {
    this.awareness = options.awareness;
    this.api = options.api;
    this.throttleMs = options.throttleMs ?? PRESENCE_THROTTLE_MS;
    this.onPeerEvent = options.onPeerEvent;
    this.signals = new PeerSignals(options.kind);
    this.awareness.on('change', this.onAwarenessChange);
    this.unsubscribeFollow = this.api.onUserFollow?.((payload) => this.onUserFollow(payload)) ?? null;
    this.renderRemote();
  }

  get followingClientId(): number | null {
    return this.following;
  }

  onPointerUpdate({ pointer, button }: PointerUpdate): void {
    if (!isFiniteNumber(pointer.x) || !isFiniteNumber(pointer.y)) return;
    const next: CanvasPointer = { x: pointer.x, y: pointer.y, tool: pointer.tool, button };
    // A button or tool change starts or ends a laser stroke on every peer: send it now, or the
    // trail would begin late or miss its last segment.
    const urgent = !this.lastPointer || this.lastPointer.button !== button || this.lastPointer.tool !== pointer.tool;
    this.lastPointer = next;
    this.publish({ pointer: next }, urgent);
  }

  onAppState(appState: Pick<AppState, 'selectedElementIds'> & ViewState): void {
    const selection = selectionKey(appState.selectedElementIds);
    if (selection !== this.lastSelection) {
      this.lastSelection = selection;
      const ids: Record<string, true> = {};
      for (const id of selection ? selection.split('\u0000') : []) ids[id] = true;
      this.publish({ selectedElementIds: ids }, false);
    }
    if (appState.width > 0 && appState.height > 0) {
      const viewport = visibleSceneBounds(appState);
      if (!sameBounds(viewport, this.lastViewport)) {
        this.lastViewport = viewport;
        this.publish({ viewport }, false);
      }
    }
  }

  onUserFollow({ userToFollow, action }: OnUserFollowedPayload): void {
    const clientId = Number(userToFollow.socketId);
    if (!Number.isInteger(clientId)) return;
    if (action === 'FOLLOW') {
      this.following = clientId;
      this.appliedFollowViewport = null;
      this.publish({ following: clientId }, true);
      this.followViewport();
    } else if (this.following === clientId) {
      this.following = null;
      this.appliedFollowViewport = null;
      this.publish({ following: null }, true);
    }
  }

  /** Tells the room this client inserted a diagram at `bounds` (peers toast it with a Show). */
  announceInsert(what: 'template' | 'diagram', bounds: ViewportBounds): void {
    const current = this.awareness.getLocalState() as AwarenessState | null;
    this.publish({ inserted: { seq: nextSeq(current?.inserted), what, bounds } }, true);
  }

  /** Sends whatever is pending now (tests and unmount). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.pending) return;
    const patch = this.pending;
    this.pending = null;
    this.lastFlushAt = Date.now();
    const current = this.awareness.getLocalState();
    // null means the local state was removed (leaving the room): do not bring it back.
    if (current === null) return;
    this.awareness.setLocalState({ ...current, ...patch });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.awareness.off('change', this.onAwarenessChange);
    this.unsubscribeFollow?.();
    this.pending = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    // The awareness outlives the canvas (the code pad shares it): withdraw only what is ours,
    // so peers do not keep a frozen cursor or a follow pointing at a closed canvas.
    const current = this.awareness.getLocalState();
    if (current !== null) {
      this.awareness.setLocalState({ ...current, pointer: null, following: null, selectedElementIds: {} });
    }
  }

  private publish(patch: Partial<AwarenessState>, urgent: boolean): void {
    if (this.destroyed) return;
    this.pending = { ...this.pending, ...patch };
    const sinceLast = Date.now() - this.lastFlushAt;
    if (urgent || sinceLast >= this.throttleMs) {
      this.flush();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.throttleMs - sinceLast);
    }
  }

  private readonly onAwarenessChange = (change: AwarenessChange): void => {
    const local = this.awareness.clientID;
    const touched = [...change.added, ...change.updated, ...change.removed];
    // Our own pointer moves fire 'change' too; re-rendering collaborators for them is waste.
    if (touched.every((clientId) => clientId === local)) {
      this.applyFollowRequest();
      return;
    }
    this.renderRemote();
    this.applyPeerEvents();
  };

  /**
   * The presence bar's "Follow" writes `following` into the local awareness state (it has no
   * Excalidraw handle); hand that to Excalidraw's follow mode, whose emitter then lands in
   * onUserFollow like an avatar click would.
   */
  private applyFollowRequest(): void {
    const wanted = (this.awareness.getLocalState() as AwarenessState | null)?.following ?? null;
    if (wanted === this.following) return;
    if (wanted === null) {
      this.api.updateScene({ appState: { userToFollow: null } });
      return;
    }
    const state = this.states().get(wanted);
    if (!state?.user || typeof state.user.name !== 'string') return;
    this.api.updateScene({ appState: { userToFollow: { socketId: socketIdOf(wanted), username: state.user.name } } });
  }

  private applyPeerEvents(): void {
    for (const event of this.signals.read(this.states(), this.awareness.clientID)) {
      if (event.kind === 'summon') {
        // Whoever follows someone else is taken off that follow: the summon is the newer wish.
        if (this.following !== null && this.following !== event.clientId) this.api.updateScene({ appState: { userToFollow: null } });
        const view = viewForBounds(event.viewport, this.api.getAppState());
        this.api.updateScene({ appState: { ...view, zoom: view.zoom as AppState['zoom'] } });
      }
      this.onPeerEvent?.(event);
    }
  }

  private states(): ReadonlyMap<number, AwarenessState> {
    return this.awareness.getStates() as ReadonlyMap<number, AwarenessState>;
  }

  private renderRemote(): void {
    const states = this.states();
    const local = this.awareness.clientID;
    this.api.updateScene({ collaborators: collaboratorsFromStates(states, local) });

    const followers = followersOf(states, local);
    const followersKey = [...followers].sort().join(',');
    if (followersKey !== this.lastFollowers) {
      this.lastFollowers = followersKey;
      this.api.updateScene({ appState: { followedBy: followers } });
    }
    this.followViewport();
  }

  private followViewport(): void {
    if (this.following === null) return;
    const state = this.states().get(this.following);
    if (!state) return;
    // Two users following each other would chase each other's fitted view forever (each fit
    // shows a little more than the other's screen), so in a mutual pair only the client with
    // the higher id moves; the other holds still and acts as the leader.
    if (state.following === this.awareness.clientID && this.awareness.clientID < this.following) return;
    const bounds = validBounds(state.viewport);
    if (!bounds || sameBounds(bounds, this.appliedFollowViewport)) return;
    this.appliedFollowViewport = bounds;
    const appState = this.api.getAppState();
    const view = viewForBounds(bounds, appState);
    this.api.updateScene({ appState: { ...view, zoom: view.zoom as AppState['zoom'] } });
  }
}
