// runge stability on a recurrent run: the sequence layer's hλ, with Re(hλ) ≤ 0 for an AntisymmetricRNN whatever its training.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockStability } from '@runge/architectures';
import { describe, expect, it } from 'vitest';
import { runTraining } from './run-training.js';
import { stabilityNotes, stabilityRun } from './stability-run.js';

const backend = (process.env.RUNGE_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm';

describe('stabilityRun on a sequence-mnist run', () => {
  it('reads each step of the antisymmetric cell as Euler with h = ε; every Re(hλ) ≤ 0', async () => {
    const out = await mkdtemp(join(tmpdir(), 'runge-seq-stability-'));
    try {
      const { dir } = await runTraining(
        {
          task: 'sequence-mnist',
          backend,
          threads: 1,
          output: out,
          data: { limit: 32, validation: 0, testLimit: 8 },
          sequence: { cell: 'antisymmetric', units: 6, epsilon: 0.25, gamma: 0.1 },
          train: { epochs: 1, batchSize: 16 },
        },
        {},
      );
      const report = await stabilityRun(dir as string, { samples: 1, stepsAt: 'first,last' });
      const [block] = report.blocks;
      expect(block).toMatchObject({ dynamics: 'antisymmetric', method: 'euler', h: 0.25, N: 28 });
      expect(block?.steps.map((s) => s.step)).toEqual([0, 27]);
      // The Jacobian is I + ε D (W − Wᵀ − γI), D = diag(tanh') ∈ (0, 1]: the symmetric part of
      // D^{1/2}(W − Wᵀ − γI)D^{1/2} is −γD, so Re(hλ) ∈ [−εγ, 0].
      for (const s of block?.steps ?? []) {
        expect(s.hLambda).toHaveLength(6);
        for (const z of s.hLambda) {
          expect(z.re).toBeLessThanOrEqual(1e-6);
          expect(z.re).toBeGreaterThanOrEqual(-0.25 * 0.1 - 1e-6);
        }
      }
      expect(report.notes.some((n) => n.includes('a sequence layer of 28 steps'))).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('stabilityNotes', () => {
  const block = (layerType: 'ode' | 'sequence'): BlockStability => ({
    block: layerType === 'ode' ? 'ode_1' : 'sequence_1',
    layerType,
    dynamics: 'antisymmetric',
    method: 'euler',
    N: 8,
    T: 1,
    h: 0.125,
    dimension: 4,
    spectrum: 'exact',
    eigenvalues: 4,
    steps: [],
    summary: { outside: 0, outsideDecaying: 0, count: 4 } as BlockStability['summary'],
  });

  it('reads a recurrent layer as steps of Euler, and an antisymmetric ODE block as the ODE block it is', () => {
    expect(stabilityNotes([block('sequence')]).some((n) => n.includes('sequence layer'))).toBe(
      true,
    );
    // an ODE block with antisymmetric dynamics shares its name with the antisymmetric cell
    expect(stabilityNotes([block('ode')]).some((n) => n.includes('sequence layer'))).toBe(false);
  });
});
