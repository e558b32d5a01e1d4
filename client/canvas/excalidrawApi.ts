/**
 * The slice of Excalidraw's imperative API the binding uses. Type-only imports: the binding
 * stays free of Excalidraw's runtime (which needs a DOM), so it can be driven by a fake in tests.
 */
import type { OrderedExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type {
  AppState,
  BinaryFileData,
  BinaryFiles,
  Collaborator,
  OnUserFollowedPayload,
  SocketId,
} from '@excalidraw/excalidraw/types';
import type { CaptureUpdateActionType } from '@excalidraw/excalidraw/store';

export type { OrderedExcalidrawElement, AppState, BinaryFileData, BinaryFiles, Collaborator, SocketId };

/** Equal to Excalidraw's `CaptureUpdateAction.NEVER` (a test checks it against the package). */
export const CAPTURE_NEVER = 'NEVER' satisfies CaptureUpdateActionType;

/** Mirrors the argument of Excalidraw's `updateScene` (generic over the appState keys set). */
export interface SceneUpdate<K extends keyof AppState = keyof AppState> {
  elements?: readonly OrderedExcalidrawElement[];
  appState?: Pick<AppState, K> | null;
  collaborators?: Map<SocketId, Collaborator>;
  captureUpdate?: CaptureUpdateActionType;
}

export interface ExcalidrawApiLike {
  getSceneElementsIncludingDeleted(): readonly OrderedExcalidrawElement[];
  getAppState(): AppState;
  updateScene<K extends keyof AppState>(scene: SceneUpdate<K>): void;
  addFiles(files: BinaryFileData[]): void;
  getFiles(): BinaryFiles;
  /**
   * Excalidraw 0.18 announces follow/unfollow only through this emitter: the `onUserFollow`
   * prop is declared but never called by 0.18.1's App.
   */
  onUserFollow?(callback: (payload: OnUserFollowedPayload) => void): () => void;
}

/** Excalidraw's `reconcileElements`, injected so this module never imports Excalidraw's runtime. */
export type ReconcileFn = (
  localElements: readonly OrderedExcalidrawElement[],
  remoteElements: readonly OrderedExcalidrawElement[],
  localAppState: AppState,
) => readonly OrderedExcalidrawElement[];

export interface PointerUpdate {
  pointer: { x: number; y: number; tool: 'pointer' | 'laser' };
  button: 'down' | 'up';
}
