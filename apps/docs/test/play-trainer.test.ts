// The live page's trainer in Node: the default network learns the spirals, the snapshots hold
// what the page draws, and re-evaluating with more steps keeps the ODE's classes.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAY_SETTINGS,
  methodsFor,
  PLAY_BLOCKS,
  PlaySession,
  type PlaySnapshot,
  resolveSettings,
} from '../play/play-trainer.js';

describe('the live page’s trainer', () => {
  it('trains the default network on the spirals to more than 90 % test accuracy', async () => {
    const before = tf.memory().numTensors;
    const session = new PlaySession();
    try {
      // without a listener only the last epoch is drawn (the page listens; see below)
      const last = await session.train();
      expect(last.epoch).toBe(DEFAULT_PLAY_SETTINGS.epochs);
      expect(last.testAccuracy).toBeGreaterThan(0.9);
      // the mean cross-entropy of 2 classes starts near ln 2 and must fall well below it
      expect(last.trainLoss).toBeLessThan(Math.log(2) / 2);

      // the decision image: both classes present, probabilities of the winning class in [1/2, 1]
      const { decision } = last;
      expect(decision.classes.length).toBe(decision.size * decision.size);
      expect(new Set(decision.classes)).toEqual(new Set([0, 1]));
      for (const p of decision.confidence) {
        expect(p).toBeGreaterThanOrEqual(0.5 - 1e-6);
        expect(p).toBeLessThanOrEqual(1 + 1e-6);
      }

      // the spectrum: 6 test points × 3 steps (first, middle, last) × 16 eigenvalues of the
      // 16×16 Jacobian, h = 1/8,
      // all inside the drawn box; forward Euler's region is the disc |1 + z| ≤ 1, whose
      // boundary points are at distance 1 from −1
      const spectrum = last.spectrum;
      expect(spectrum).not.toBeNull();
      if (!spectrum) return;
      expect(spectrum.method).toBe('euler');
      expect(spectrum.h).toBeCloseTo(1 / 8, 12);
      expect(spectrum.points.length).toBe(6 * 3 * 16);
      for (const [re, im] of spectrum.points) {
        expect(re).toBeGreaterThanOrEqual(spectrum.box.reMin);
        expect(re).toBeLessThanOrEqual(spectrum.box.reMax);
        expect(im).toBeGreaterThanOrEqual(spectrum.box.imMin);
        expect(im).toBeLessThanOrEqual(spectrum.box.imMax);
      }
      const growth = Math.max(...spectrum.points.map(([re, im]) => Math.hypot(1 + re, im)));
      expect(spectrum.maxGrowth).toBeCloseTo(growth, 4);
      const boundary = spectrum.boundary.flat();
      expect(boundary.length).toBeGreaterThan(20);
      for (const [re, im] of boundary) expect(Math.hypot(1 + re, im)).toBeCloseTo(1, 1);

      // the same weights with 4× the steps: the classes of the test points barely move
      const finer = session.evaluate(32);
      expect(finer.steps).toBe(32);
      expect(finer.spectrum?.h).toBeCloseTo(1 / 32, 12);
      expect(Math.abs(finer.testAccuracy - last.testAccuracy)).toBeLessThan(0.05);
    } finally {
      session.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('offers every block with the integrators that can integrate it', () => {
    expect(PLAY_BLOCKS).toEqual(
      expect.arrayContaining(['resnet', 'parabolic', 'antisymmetric', 'hamiltonian', 'fractal']),
    );
    expect(methodsFor('hamiltonian')).toEqual(['leapfrog']);
    expect(methodsFor('resnet')).toContain('rk4');
    expect(methodsFor('resnet')).not.toContain('leapfrog');
    expect(methodsFor('fractal')).toEqual([]);
    // a block whose integrator the reader had chosen for another gets its own
    expect(resolveSettings({ block: 'hamiltonian', method: 'rk4' }).method).toBe('leapfrog');
    expect(() => resolveSettings({ block: 'lstm' as never })).toThrow(/block/);
    expect(() => resolveSettings({ steps: 0 })).toThrow(/steps/);
  });

  it('reports a snapshot after every epoch to a listener, and honours a stop', async () => {
    const session = new PlaySession({ epochs: 3 });
    const seen: PlaySnapshot[] = [];
    const stop = new AbortController();
    try {
      const last = await session.train({
        signal: stop.signal,
        onEpoch: (s) => {
          seen.push(s);
          if (s.epoch === 2) stop.abort();
        },
      });
      expect(seen.map((s) => s.epoch)).toEqual([1, 2]);
      expect(last).toBe(seen[1]);
      for (const s of seen) {
        expect(s.steps).toBe(DEFAULT_PLAY_SETTINGS.steps);
        expect(s.spectrum?.points.length).toBe(6 * 3 * 16);
        expect(s.testAccuracy).toBeGreaterThanOrEqual(0);
        expect(s.testAccuracy).toBeLessThanOrEqual(1);
      }
    } finally {
      session.dispose();
    }
  });

  it('draws no spectrum for fractal, which has no integrator', async () => {
    const session = new PlaySession({ block: 'fractal', epochs: 1 });
    try {
      const last = await session.train();
      expect(last.spectrum).toBeNull();
      expect(last.epoch).toBe(1);
    } finally {
      session.dispose();
    }
  });
});
