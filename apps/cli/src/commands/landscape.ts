// `runge landscape`: the circulant tanh example of the stability guide, its training objective over θ for few and many Euler steps, as heat maps.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CirculantLandscape, circulantLandscape } from '@runge/integrators';
import { initRunBackend, renderSvg, writeFileAtomic, writeJson } from '@runge/train';
import type { TopLevelSpec } from 'vega-lite';
import { type CommandIo, json, line } from '../output.js';

/** Options of `runge landscape`. */
export interface LandscapeOptions {
  /** Numbers of Euler steps to compare; default `[5, 100]`. */
  readonly steps?: readonly number[];
  /** Grid points per axis; default 61. */
  readonly grid?: number;
  /** Range of both θ axes; default `[-1, 3]`. */
  readonly range?: readonly [number, number];
  /** Directory for the SVGs and `landscape.json`; default `runs/landscape`. */
  readonly out?: string;
  /** TF.js backend; default `auto`. */
  readonly backend?: string;
}

/** The Vega-Lite heat map of one landscape (log colour scale: the objective spans decades). */
export function landscapeSpec(landscape: CirculantLandscape): TopLevelSpec {
  const points = landscape.theta1.flatMap((t1, i) =>
    landscape.theta2.map((t2, j) => ({
      theta1: t1,
      theta2: t2,
      value: Math.max(landscape.values[i]?.[j] as number, 1e-8),
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `½‖Y_N(θ) − C‖², N = ${landscape.N} (h = ${(10 / landscape.N).toPrecision(3)})`,
    width: 360,
    height: 360,
    data: { values: points },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'theta1',
        type: 'ordinal',
        title: 'θ1',
        axis: { labelExpr: 'format(datum.value, ".1f")', values: tickValues(landscape.theta1) },
      },
      y: {
        field: 'theta2',
        type: 'ordinal',
        title: 'θ2',
        sort: 'descending',
        axis: { labelExpr: 'format(datum.value, ".1f")', values: tickValues(landscape.theta2) },
      },
      color: {
        field: 'value',
        type: 'quantitative',
        scale: { type: 'log', scheme: 'viridis' },
        title: 'objective',
      },
    },
  };
}

function tickValues(axis: readonly number[]): number[] {
  const step = Math.max(1, Math.round(axis.length / 8));
  return axis.filter((_, i) => i % step === 0);
}

/**
 * `runge landscape`: the worked example of the stability guide. For the 3×3 circulant tanh network
 * `Y_{j+1} = Y_j + (10/N) tanh(K(θ) Y_j)` it computes the objective `½‖Y_N(θ) − C‖²` over a
 * θ grid for each `N` (the target `C` is the `N = 200` solution at `θ = (1, 1)`), writes one heat
 * map per `N` and `landscape.json`, and prints the minimum, its location and the roughness of
 * each landscape: with few steps `hλ(K(θ))` leaves forward Euler's stability region over much of
 * the grid and the landscape turns rough.
 */
export async function landscapeCommand(options: LandscapeOptions, io: CommandIo): Promise<number> {
  await initRunBackend({ backend: options.backend ?? 'auto' });
  const steps = options.steps ?? [5, 100];
  const n = options.grid ?? 61;
  const [lo, hi] = options.range ?? [-1, 3];
  const out = resolve(options.out ?? join('runs', 'landscape'));
  await mkdir(out, { recursive: true });
  const results = [];
  for (const N of steps) {
    const landscape = circulantLandscape({ N, grid: { theta1: [lo, hi, n], theta2: [lo, hi, n] } });
    const file = join(out, `landscape-N${N}.svg`);
    await writeFileAtomic(file, await renderSvg(landscapeSpec(landscape)));
    results.push({ ...landscape, svg: file });
    const { minimum, argmin, roughness, h } = landscape;
    json(io, { event: 'landscape', N, h, minimum, argmin, roughness, svg: file });
    line(
      io,
      `N = ${N} (h = ${h.toPrecision(3)}): minimum ${minimum.toExponential(3)} at θ = (${argmin.map((t) => t.toFixed(2)).join(', ')}), roughness ${roughness.toExponential(3)}; wrote ${file}`,
    );
  }
  await writeJson(join(out, 'landscape.json'), results);
  line(io, `wrote ${join(out, 'landscape.json')}`);
  return 0;
}
