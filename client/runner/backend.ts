/**
 * Which tfjs backend a run uses, decided without tfjs so it can be unit-tested: the worker
 * supplies `attempt`, which really initialises a backend and says why it could not.
 */
import type { RunBackend } from '../../shared/doc.js';
import type { BackendChoice } from './protocol.js';

export const RUN_BACKENDS: readonly RunBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...RUN_BACKENDS];

export function isBackendChoice(value: unknown): value is BackendChoice {
  return typeof value === 'string' && (BACKEND_CHOICES as readonly string[]).includes(value);
}

/** The order to try: the fixed choice first, then the auto order (webgpu, webgl, wasm, cpu) for the rest. */
export function backendOrder(choice: BackendChoice): RunBackend[] {
  return choice === 'auto' ? [...RUN_BACKENDS] : [choice, ...RUN_BACKENDS.filter((b) => b !== choice)];
}

/** null = the backend is live; a string = why it could not be used ("no adapter (…)"). */
export type Attempt = (backend: RunBackend) => Promise<string | null>;

export interface BackendSelection {
  backend: RunBackend;
  /** every failed attempt before it, "webgpu: no adapter (…); webgl: …"; absent when the first choice worked */
  fallbackReason?: string;
}

/**
 * Tries the backends in order until one works. A failure is never silent: each one is kept,
 * in order, in `fallbackReason`. cpu is last and cannot fail in practice; if it does, throws.
 */
export async function selectBackend(choice: BackendChoice, attempt: Attempt): Promise<BackendSelection> {
  const failures: string[] = [];
  for (const backend of backendOrder(choice)) {
    let reason: string | null;
    try {
      reason = await attempt(backend);
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    if (reason === null) return failures.length ? { backend, fallbackReason: failures.join('; ') } : { backend };
    failures.push(`${backend}: ${reason}`);
  }
  throw new Error(`No tfjs backend could start (${failures.join('; ')}).`);
}

/** The subset of GPUAdapterInfo we read (typed loosely: older browsers lack some fields). */
export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** "nvidia · ampere", or "swiftshader (software)" for a fallback (CPU-emulated) adapter. */
export function describeGpuAdapter(info: GpuAdapterInfoLike | null | undefined, isFallbackAdapter = false): string {
  const fallback = isFallbackAdapter || info?.isFallbackAdapter === true;
  const parts = [info?.vendor, info?.architecture].map((p) => p?.trim()).filter((p): p is string => !!p);
  if (fallback || parts.some((p) => /swiftshader/i.test(p))) {
    const name = parts.find((p) => /swiftshader/i.test(p)) ? 'swiftshader' : parts[0] || 'fallback adapter';
    return `${name} (software)`;
  }
  if (parts.length) return parts.join(' · ');
  return info?.description?.trim() || info?.device?.trim() || 'unknown adapter';
}

/**
 * A WebGL renderer string, shortened: "ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 …)" ->
 * "NVIDIA GeForce RTX 3080 Direct3D11 …"; any SwiftShader renderer -> "swiftshader (software)".
 */
export function describeWebglRenderer(renderer: string | null | undefined): string {
  const text = (renderer ?? '').trim();
  if (!text) return 'unknown renderer';
  if (/swiftshader|llvmpipe|software/i.test(text)) return /swiftshader/i.test(text) ? 'swiftshader (software)' : `${text} (software)`;
  const angle = /^ANGLE \((.*)\)$/.exec(text);
  if (!angle) return text;
  // ANGLE (vendor, renderer, driver): the middle part names the GPU.
  const parts = angle[1]!.split(', ');
  return (parts.length >= 2 ? parts[1]! : angle[1]!).trim();
}

export function describeWasm(simd: boolean): string {
  return simd ? 'wasm (simd)' : 'wasm';
}

export const CPU_ADAPTER = 'cpu (JavaScript)';

/** Whether a described adapter (describeGpuAdapter / describeWebglRenderer) is a software one. */
export function isSoftwareAdapter(description: string): boolean {
  return description.endsWith('(software)');
}

/**
 * Why `auto` passes over a GPU backend, or null to use it. A software adapter (SwiftShader,
 * a fallback adapter) runs shaders on the CPU: on it a 6-case attention check took 6.4-7.7 s on
 * webgpu (each new shader compiles in 1.2-1.5 s) against well under 1 s on wasm (issue 13;
 * tests/bench/runner.ts measures both), so auto goes on to wasm there. A fixed choice is honoured.
 */
export function autoSkipReason(choice: BackendChoice, backend: RunBackend, adapter: string): string | null {
  if (choice !== 'auto' || (backend !== 'webgpu' && backend !== 'webgl')) return null;
  return isSoftwareAdapter(adapter) ? `software adapter (${adapter}), slower than wasm; pick ${backend} to use it anyway` : null;
}
