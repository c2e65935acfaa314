import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { ValueError } from './errors.js';
import {
  assertWasmPaths,
  bundledWasmPaths,
  isBinaryUrl,
  WASM_BINARY_NAMES,
  type WasmBinaryName,
} from './wasm-paths.js';

const wasmDist = dirname(
  createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  ),
);

describe('wasmPaths', () => {
  it('accepts a prefix or a complete map and rejects anything else', () => {
    expect(assertWasmPaths('/assets/')).toBe('/assets/');
    const map = Object.fromEntries(WASM_BINARY_NAMES.map((name) => [name, `/x/${name}`]));
    expect(assertWasmPaths(map)).toBe(map);
    expect(() => assertWasmPaths('')).toThrow(ValueError);
    expect(() => assertWasmPaths(42)).toThrow(/wasmPaths: expected a URL prefix/);
    expect(() => assertWasmPaths(['/a/'])).toThrow(/got an array/);
    expect(() =>
      assertWasmPaths({ 'tfjs-backend-wasm.wasm': '/a.wasm', 'tfjs-backend-wasm-simd.wasm': '' }),
    ).toThrow(
      /no URL for tfjs-backend-wasm-threaded-simd\.wasm, tfjs-backend-wasm-simd\.wasm; give a URL for each/,
    );
  });

  it('finds no bundled binaries when the code was not bundled', () => {
    expect(bundledWasmPaths()).toBeNull();
  });

  it('tells emitted or installed binaries from package names taken for relative paths', () => {
    expect(isBinaryUrl('http://127.0.0.1/assets/tfjs-backend-wasm-simd-BrM3BlWr.wasm')).toBe(true);
    expect(
      isBinaryUrl(
        'http://127.0.0.1/@fs/app/node_modules/.pnpm/x/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      ),
    ).toBe(true);
    expect(
      isBinaryUrl(
        'http://127.0.0.1/node_modules/@runge/tensor-ops/dist/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      ),
    ).toBe(false);
  });

  it('loads the binaries from the given locations (renamed copies) and notes later calls', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runge-wasm-paths-'));
    try {
      const map = {} as Record<WasmBinaryName, string>;
      for (const name of WASM_BINARY_NAMES) {
        map[name] = join(dir, `renamed-${name}`);
        await copyFile(join(wasmDist, name), map[name]);
      }
      const info = await initBackend({ backend: 'wasm', wasmPaths: map });
      expect(info.backend).toBe('wasm');
      const y = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2], [1, 2]), tf.tensor2d([3, 4], [2, 1])));
      expect(Array.from(await y.data())).toEqual([11]);
      tf.dispose(y);
      const again = await initBackend({ backend: 'wasm', wasmPaths: '/elsewhere/' });
      expect(again.notes.join('\n')).toMatch(/already initialised, so wasmPaths has no effect/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
