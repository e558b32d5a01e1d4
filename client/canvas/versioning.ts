/**
 * The ordering rules every replica must agree on, as pure functions so the write path, the
 * remote path and the tests all use the same definition.
 */

export interface VersionStamp {
  version: number;
  versionNonce: number;
}

/**
 * Whether `incoming` should replace `local` (absent = nothing there yet).
 *
 * Higher `version` wins. Equal versions are concurrent edits: the LOWER `versionNonce` wins,
 * which is the rule Excalidraw's `reconcileElements` applies (it keeps the local element when
 * `local.versionNonce < remote.versionNonce`). Using the same rule means the Y.Map and every
 * Excalidraw scene settle on the same winner, whichever side of a tie a replica was on.
 * An identical stamp is not a replacement: rewriting it would only cost a Yjs update.
 */
export function shouldReplace(local: VersionStamp | undefined, incoming: VersionStamp): boolean {
  if (!local) return true;
  if (incoming.version !== local.version) return incoming.version > local.version;
  return incoming.versionNonce < local.versionNonce;
}

export interface Indexed {
  id: string;
  index: string | null;
}

/**
 * Scene order: ascending fractional `index`, ties by `id` (Excalidraw 0.18 sorts the same way).
 * Fractional indices compare as plain strings, by code unit, not by locale.
 */
export function compareByIndex(a: Indexed, b: Indexed): number {
  const ai = a.index ?? '';
  const bi = b.index ?? '';
  if (ai !== bi) return ai < bi ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}
