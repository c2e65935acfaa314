import { prolong, Rng, restrict } from '@runge/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { transferMapWeights } from './transfer-map-weights.js';

function close(a: tf.Tensor, b: tf.Tensor, tol: number): void {
  const [x, y] = [a.dataSync(), b.dataSync()];
  expect(x.length).toBe(y.length);
  const scale = Math.max(1, ...Array.from(y, Math.abs));
  x.forEach((v, i) => {
    expect(Math.abs(v - (y[i] as number))).toBeLessThan(tol * scale);
  });
}

/** The classifier outputs ⟨w_o, f⟩ for maps f [n, H, W, C] and weights [H·W·C, units]. */
function outputs(f: tf.Tensor4D, w: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => tf.matMul(tf.reshape(f, [f.shape[0], -1]), w));
}

describe('transferMapWeights', () => {
  it('coarsening is Pᵀ w: the coarse classifier equals the fine one on the prolonged map', () => {
    const rng = Rng.fromSeed(1);
    const [h, c, units] = [8, 3, 2];
    const w = rng.normal([h * h * c, units]) as tf.Tensor2D;
    const W = transferMapWeights(w, {
      map: { height: h, width: h, channels: c },
      to: { height: 4, width: 4 },
      direction: 'coarsen',
    });
    expect(W.shape).toEqual([4 * 4 * c, units]);
    const F = rng.normal([2, 4, 4, c]) as tf.Tensor4D;
    const PF = prolong(F, { height: h, width: h });
    const [a, b] = [outputs(F, W), outputs(PF, w)];
    close(a, b, 1e-5);
    tf.dispose([w, W, F, PF, a, b]);
  });

  it('refining is Rᵀ W: the fine classifier equals the coarse one on the restricted map', () => {
    const rng = Rng.fromSeed(2);
    const [h, c, units] = [4, 2, 3];
    const W = rng.normal([h * h * c, units]) as tf.Tensor2D;
    for (const fine of [7, 8]) {
      const w = transferMapWeights(W, {
        map: { height: h, width: h, channels: c },
        to: { height: fine, width: fine },
        direction: 'refine',
      });
      const f = rng.normal([2, fine, fine, c]) as tf.Tensor4D;
      const Rf = restrict(f);
      const [a, b] = [outputs(f, w), outputs(Rf, W)];
      close(a, b, 1e-5);
      tf.dispose([w, f, Rf, a, b]);
    }
    W.dispose();
  });

  it("handles maps one row/column off the natural size (a 'valid' pooling of an odd map)", () => {
    const rng = Rng.fromSeed(3);
    const c = 2;
    // W1 at 14×14 input has a 7×7 map; at 7×7 input a 3×3 map (⌊7/2⌋)
    const w = rng.normal([7 * 7 * c, 1]) as tf.Tensor2D;
    const W = transferMapWeights(w, {
      map: { height: 7, width: 7, channels: c },
      to: { height: 3, width: 3 },
      direction: 'coarsen',
    });
    // = 4·R w with the last coarse row and column (fine row/column 6) dropped
    const expected = tf.tidy(() =>
      tf.reshape(
        tf.mul(tf.slice(restrict(tf.reshape(w, [1, 7, 7, c]) as tf.Tensor4D), 0, [1, 3, 3, c]), 4),
        [9 * c, 1],
      ),
    );
    close(W, expected, 1e-6);
    const back = transferMapWeights(W, {
      map: { height: 3, width: 3, channels: c },
      to: { height: 7, width: 7 },
      direction: 'refine',
    });
    // = ¼ P W with the coarse map extended to 4×4 by repeating its last row and column
    const padded = tf.tidy(() => {
      const x = tf.reshape(W, [1, 3, 3, c]);
      const rows = tf.concat([x, tf.slice(x, [0, 2, 0, 0], [1, 1, 3, c])], 1);
      return tf.concat([rows, tf.slice(rows, [0, 0, 2, 0], [1, 4, 1, c])], 2) as tf.Tensor4D;
    });
    const expectedBack = tf.tidy(() =>
      tf.reshape(tf.div(prolong(padded, { height: 7, width: 7 }), 4), [49 * c, 1]),
    );
    close(back, expectedBack, 1e-6);
    tf.dispose([w, W, expected, back, padded, expectedBack]);
  });

  it('validates the weight against the map and the target size', () => {
    const w = tf.zeros([4 * 4 * 2, 3]) as tf.Tensor2D;
    const map = { height: 4, width: 4, channels: 2 };
    expect(() =>
      transferMapWeights(w, {
        map: { height: 4, width: 4, channels: 3 },
        to: { height: 2, width: 2 },
        direction: 'coarsen',
      }),
    ).toThrow(/weight: expected shape \[48, \*\]/);
    expect(() =>
      transferMapWeights(w, { map, to: { height: 1, width: 4 }, direction: 'coarsen' }),
    ).toThrow(/to\.width 4 is not a coarsening of width 4/);
    expect(() =>
      transferMapWeights(w, { map, to: { height: 3, width: 3 }, direction: 'refine' }),
    ).toThrow(/to\.height 3 is not a refinement of height 4; expected about 2·4/);
    w.dispose();
  });
});
