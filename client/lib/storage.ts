/**
 * Web Storage that never throws. Storage is unavailable or full in some private modes and in
 * sandboxed iframes; losing a remembered preference must never break the page.
 */
type Area = 'local' | 'session';

function area(which: Area): Storage | null {
  try {
    return which === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return null;
  }
}

export function readStored(which: Area, key: string): string | null {
  try {
    return area(which)?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeStored(which: Area, key: string, value: string): void {
  try {
    area(which)?.setItem(key, value);
  } catch {
    // Quota or privacy mode: the value simply isn't remembered.
  }
}

export function removeStored(which: Area, key: string): void {
  try {
    area(which)?.removeItem(key);
  } catch {
    // See writeStored.
  }
}

/** Every key we write, in one place, so nothing collides with another feature's keys. */
export const StorageKey = {
  /** sessionStorage: the capability token for one room (per tab, never in the address bar). */
  token: (roomId: string) => `attn:token:${roomId}`,
  /**
   * sessionStorage, and localStorage with an expiry when the interviewer chose "Remember links on
   * this device": link id -> URL of the links this browser created (client/lib/savedLinks.ts).
   */
  links: (roomId: string) => `attn:links:${roomId}`,
  /** localStorage: JSON PracticeEntry[], this browser's practice history (client/practice/history.ts). */
  practiceHistory: 'attn:practice-history',
  /** localStorage: the display name, shared by all rooms. */
  displayName: 'attn:name',
  /** localStorage: canvas share of the canvas|pad split, 0..1. */
  splitRatio: 'attn:split',
  /** localStorage: this browser's rater id in the panel doc (one interviewer = one browser). */
  raterId: 'attn.raterId',
  /** localStorage: the panel column's width in px, and whether it is collapsed ("1"). */
  panelWidth: 'attn:panel-width',
  panelCollapsed: 'attn:panel-collapsed',
  /** localStorage: the snippet runner's backend choice ('auto' or a tfjs backend) and timeout in seconds. */
  runnerBackend: 'attn:runner-backend',
  runnerTimeout: 'attn:runner-timeout',
  /** localStorage: JSON ReadbackMemo, whether WebGPU sync readback works per adapter and browser (client/runner/protocol.ts). */
  webgpuReadback: 'attn:webgpu-readback',
  /** localStorage: "0" when the candidate switched off interviewer runs on their machine. */
  allowRemoteRuns: 'attn:allow-remote-runs',
  /** localStorage: "1" when the A/V strip is collapsed. */
  avCollapsed: 'attn:av-collapsed',
  /** localStorage: the camera and microphone picked in the A/V pre-join (device ids). */
  avCamera: 'attn:av-camera',
  avMic: 'attn:av-mic',
  /** sessionStorage: the server's room-creation secret, once typed (ATTN_CREATE_TOKEN; this tab only). */
  createToken: 'attn:create-token',
} as const;
