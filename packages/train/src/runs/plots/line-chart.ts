// The line chart of metrics over epochs (loss and accuracy curves), as a Vega-Lite spec that renders in Node and in the docs site.
import type { TopLevelSpec } from 'vega-lite';

/** One point of a line chart: an x value, a y value and the series it belongs to. */
export interface SeriesPoint {
  readonly x: number;
  readonly y: number;
  readonly series: string;
}

/**
 * The Vega-Lite spec of a line chart with one line per series (loss/accuracy curves). The same
 * spec renders in the docs site.
 *
 * @param options - `title`, axis titles, the points, and `logY` for a logarithmic y axis.
 * @returns The spec (data included).
 * @example
 * ```ts
 * const spec = lineChartSpec({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', points });
 * ```
 */
export function lineChartSpec(options: {
  title: string;
  xTitle: string;
  yTitle: string;
  points: readonly SeriesPoint[];
  logY?: boolean;
}): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: 480,
    height: 280,
    data: { values: options.points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        ...(options.logY ? { scale: { type: 'log' } } : { scale: { zero: false } }),
      },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}
