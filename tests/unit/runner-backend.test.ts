import { describe, expect, it } from 'vitest';
import type { RunBackend } from '../../shared/doc.js';
import {
  autoSkipReason,
  backendOrder,
  describeGpuAdapter,
  describeWebglRenderer,
  isBackendChoice,
  isSoftwareAdapter,
  selectBackend,
} from '../../client/runner/backend.js';

/** A probe result per backend: null = it starts, a string = why not. */
function probes(results: Partial<Record<RunBackend, string | null>>) {
  const tried: RunBackend[] = [];
  const attempt = async (b: RunBackend) => {
    tried.push(b);
    return results[b] ?? null;
  };
  return { tried, attempt };
}

const NO_ADAPTER = 'no adapter (navigator.gpu.requestAdapter() returned null)';

describe('backend choice', () => {
  it('orders auto as webgpu, webgl, wasm, cpu; a fixed choice first, then the rest of that order', () => {
    expect(backendOrder('auto')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(backendOrder('wasm')).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
    expect(backendOrder('cpu')).toEqual(['cpu', 'webgpu', 'webgl', 'wasm']);
  });

  it('auto takes webgpu when it starts, with no fallback reason', async () => {
    const { tried, attempt } = probes({});
    expect(await selectBackend('auto', attempt)).toEqual({ backend: 'webgpu' });
    expect(tried).toEqual(['webgpu']);
  });

  it('auto without a WebGPU adapter lands on webgl and says why', async () => {
    const { attempt } = probes({ webgpu: NO_ADAPTER });
    expect(await selectBackend('auto', attempt)).toEqual({ backend: 'webgl', fallbackReason: `webgpu: ${NO_ADAPTER}` });
  });

  it('a fixed backend that fails falls back in auto order, listing every failure', async () => {
    const { tried, attempt } = probes({ wasm: 'the page did not send the wasm binaries', webgpu: NO_ADAPTER, webgl: "tf.setBackend('webgl') returned false" });
    expect(await selectBackend('wasm', attempt)).toEqual({
      backend: 'cpu',
      fallbackReason: `wasm: the page did not send the wasm binaries; webgpu: ${NO_ADAPTER}; webgl: tf.setBackend('webgl') returned false`,
    });
    expect(tried).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
  });

  it('treats a throwing probe as a failure with its message', async () => {
    const attempt = async (b: RunBackend) => {
      if (b === 'webgpu') throw new Error('device lost');
      return null;
    };
    expect(await selectBackend('webgpu', attempt)).toEqual({ backend: 'webgl', fallbackReason: 'webgpu: device lost' });
  });

  it('throws, naming every failure, when nothing starts', async () => {
    const { attempt } = probes({ webgpu: 'a', webgl: 'b', wasm: 'c', cpu: 'd' });
    await expect(selectBackend('auto', attempt)).rejects.toThrow('No tfjs backend could start (webgpu: a; webgl: b; wasm: c; cpu: d).');
  });

  it('validates choices from storage or the doc', () => {
    expect(isBackendChoice('auto')).toBe(true);
    expect(isBackendChoice('webgl')).toBe(true);
    expect(isBackendChoice('tpu')).toBe(false);
    expect(isBackendChoice(undefined)).toBe(false);
  });
});

describe('adapter text', () => {
  it('names a hardware GPU by vendor and architecture', () => {
    expect(describeGpuAdapter({ vendor: 'nvidia', architecture: 'hopper' })).toBe('nvidia · hopper');
    expect(describeGpuAdapter({ vendor: 'apple', architecture: '' })).toBe('apple');
    expect(describeGpuAdapter({ vendor: '', architecture: '', description: 'Some GPU' })).toBe('Some GPU');
    expect(describeGpuAdapter(undefined)).toBe('unknown adapter');
  });

  it('marks software adapters', () => {
    expect(describeGpuAdapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })).toBe('swiftshader (software)');
    expect(describeGpuAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe('swiftshader (software)');
    expect(describeGpuAdapter({ vendor: 'mesa', architecture: 'llvm' }, true)).toBe('mesa (software)');
  });

  it('shortens WebGL renderer strings', () => {
    expect(describeWebglRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe('NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0');
    expect(describeWebglRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe('swiftshader (software)');
    expect(describeWebglRenderer('Apple M2')).toBe('Apple M2');
    expect(describeWebglRenderer('')).toBe('unknown renderer');
  });
});

describe('auto passes over software GPU adapters (issue 13)', () => {
  it('skips a SwiftShader or fallback WebGPU adapter and a software WebGL renderer under auto only', () => {
    const swiftshader = describeGpuAdapter({ vendor: 'google', architecture: 'swiftshader' });
    const fallback = describeGpuAdapter({ vendor: 'acme', isFallbackAdapter: true });
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    expect(isSoftwareAdapter(fallback)).toBe(true);
    expect(autoSkipReason('auto', 'webgpu', swiftshader)).toMatch(/^software adapter \(swiftshader \(software\)\)/);
    expect(autoSkipReason('auto', 'webgpu', fallback)).toMatch(/software adapter/);
    const softGl = describeWebglRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)');
    expect(autoSkipReason('auto', 'webgl', softGl)).toMatch(/software adapter/);
    // a chosen backend is honoured even on software
    expect(autoSkipReason('webgpu', 'webgpu', swiftshader)).toBeNull();
    expect(autoSkipReason('webgl', 'webgl', softGl)).toBeNull();
  });

  it('keeps a hardware adapter, and never skips wasm or cpu', () => {
    const nvidia = describeGpuAdapter({ vendor: 'nvidia', architecture: 'hopper' });
    expect(isSoftwareAdapter(nvidia)).toBe(false);
    expect(autoSkipReason('auto', 'webgpu', nvidia)).toBeNull();
    expect(autoSkipReason('auto', 'webgl', describeWebglRenderer('ANGLE (NVIDIA, NVIDIA H200 Direct3D11 vs_5_0 ps_5_0)'))).toBeNull();
    expect(autoSkipReason('auto', 'wasm', 'wasm (simd)')).toBeNull();
    expect(autoSkipReason('auto', 'cpu', 'cpu (JavaScript)')).toBeNull();
  });

  it('selectBackend then lands on wasm and says why, in order', async () => {
    const adapters: Record<string, string> = { webgpu: 'swiftshader (software)', webgl: 'swiftshader (software)', wasm: 'wasm (simd)', cpu: 'cpu' };
    const selection = await selectBackend('auto', async (b) => autoSkipReason('auto', b, adapters[b]!));
    expect(selection.backend).toBe('wasm');
    expect(selection.fallbackReason).toMatch(/^webgpu: software adapter .*; webgl: software adapter/);
  });
});
