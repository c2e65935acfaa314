// The chart of price paths with the predicted quantile bands of their next value, as a Vega-Lite spec.
import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec, type SeriesPoint } from './line-chart.js';

/** One path and its predicted bands: prices from step 0, bands from the first step predicted. */
export interface QuantileBandPath {
  /** The path's label, e.g. `'path 1'`. */
  readonly label: string;
  /** Prices `S_0 … S_T`. */
  readonly prices: readonly number[];
  /** The first step a band is predicted for. */
  readonly start: number;
  /** For each level (e.g. `'P90'`), the predicted quantile of `S_j` for `j = start … T`. */
  readonly bands: Readonly<Record<string, readonly number[]>>;
}

/**
 * The line chart of price paths and, for each, the predicted quantile bands of the next value
 * (one line per path and level).
 *
 * @param paths - The paths and their bands.
 * @returns The spec (data included), for `renderSvg`.
 * @example
 * ```ts
 * const svg = await renderSvg(quantileBandsSpec([{ label: 'path 1', prices, start: 10, bands: { P99 } }]));
 * ```
 */
export function quantileBandsSpec(paths: readonly QuantileBandPath[]): TopLevelSpec {
  const points: SeriesPoint[] = [];
  for (const p of paths) {
    p.prices.forEach((y, x) => {
      points.push({ x, y, series: p.label });
    });
    for (const [level, band] of Object.entries(p.bands)) {
      band.forEach((y, i) => {
        points.push({ x: p.start + i, y, series: `${p.label} ${level}` });
      });
    }
  }
  return lineChartSpec({
    title: 'Held-out paths and predicted quantiles of the next value',
    xTitle: 'step (days)',
    yTitle: 'price',
    points,
  });
}
