import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, valuesOn } from '../../test/compare-backends.js';
import { initBackend } from '../backend.js';
import { Rng } from '../rng.js';
import { cpuBridgeKernel } from './cpu-bridge.js';
import { kernelKind } from './wasm-backend.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function cpuDataIds(): number {
  return (tf.findBackend('cpu') as tf.KernelBackend).numDataIds();
}

describe('the cpu bridge on wasm', () => {
  it('bridges FFT and the complex kernels the wasm backend lacks', () => {
    for (const name of ['FFT', 'IFFT', 'Complex', 'Real', 'Imag', 'ComplexAbs', 'Einsum']) {
      expect(kernelKind(tf.getKernel(name, 'wasm')?.kernelFunc)).toBe('bridged');
    }
  });

  it('computes the FFT of x as the DFT sum Σ x_k e^{-2πi jk/n}', async () => {
    const x = [0.5, -1, 2, 0.25, 3, -0.75];
    const [re, im] = await valuesOn('wasm', () => {
      const spectrum = tf.spectral.fft(tf.complex(tf.tensor1d(x), tf.zerosLike(tf.tensor1d(x))));
      return [tf.real(spectrum), tf.imag(spectrum)];
    });
    const n = x.length;
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      x.forEach((v, k) => {
        sr += v * Math.cos((-2 * Math.PI * j * k) / n);
        si += v * Math.sin((-2 * Math.PI * j * k) / n);
      });
      expect(re?.[j]).toBeCloseTo(sr, 4);
      expect(im?.[j]).toBeCloseTo(si, 4);
    }
  });

  it('round-trips ifft(fft(x)) and reads complex tensors back as interleaved values', async () => {
    await initBackend({ backend: 'wasm' });
    const c = tf.complex([1, 2, 3, 4], [0.5, -1, 0, 2]);
    const back = tf.tidy(() => tf.spectral.ifft(tf.spectral.fft(c)));
    const expected = [1, 0.5, 2, -1, 3, 0, 4, 2];
    const values = back.dataSync();
    expected.forEach((v, i) => {
      expect(values[i]).toBeCloseTo(v, 5);
    });
    expect(Array.from(c.dataSync())).toEqual(expected);
    tf.dispose([c, back]);
  });

  it('matches cpu on einsum and a batched rfft, and frees its cpu copies', async () => {
    const before = cpuDataIds();
    await expectWasmMatchesCpu(() => {
      const rng = Rng.fromSeed(4);
      const a = rng.normal([3, 4, 5]);
      const b = rng.normal([3, 5, 2]);
      const spectrum = tf.spectral.rfft(rng.normal([3, 8]));
      return [tf.einsum('bij,bjk->bik', a, b), tf.abs(spectrum)];
    });
    expect(cpuDataIds()).toBe(before);
  });

  it('runs a cpu kernel with several outputs', async () => {
    await initBackend({ backend: 'wasm' });
    const bridged = cpuBridgeKernel('Unique');
    const x = tf.tensor1d([4, 1, 4, 2, 1], 'int32');
    const backend = tf.backend();
    const infos = bridged({ inputs: { x }, backend, attrs: { axis: 0 } }) as tf.TensorInfo[];
    const [values, indices] = infos.map((info) => tf.engine().makeTensorFromTensorInfo(info));
    expect(Array.from(values?.dataSync() ?? [])).toEqual([4, 1, 2]);
    expect(Array.from(indices?.dataSync() ?? [])).toEqual([0, 1, 0, 2, 1]);
    tf.dispose([x, values as tf.Tensor, indices as tf.Tensor]);
  });
});
