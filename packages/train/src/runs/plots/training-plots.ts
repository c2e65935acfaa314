// The plots of a training run: one chart per metric over the epochs, training and validation, written into the run directory.
import type { EpochRecord } from '../../events.js';
import { nodeFs } from '../node-fs.js';
import { writeFileAtomic } from '../run-dir.js';
import { lineChartSpec, type SeriesPoint } from './line-chart.js';
import { renderSvg } from './render-svg.js';

/**
 * Points of one metric over epochs, for training and validation (epochs counted from 1).
 *
 * @example
 * ```ts
 * metricSeries(history, 'loss'); // [{ x: 1, y: 0.31, series: 'train' }, …]
 * ```
 */
export function metricSeries(history: readonly EpochRecord[], metric: string): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const r of history) {
    const train = r.train[metric];
    if (train !== undefined) points.push({ x: r.epoch + 1, y: train, series: 'train' });
    const validation = r.validation?.[metric];
    if (validation !== undefined)
      points.push({ x: r.epoch + 1, y: validation, series: 'validation' });
  }
  return points;
}

function title(metric: string): string {
  return metric === 'r2'
    ? 'R²'
    : metric === 'rmse'
      ? 'RMSE'
      : metric.charAt(0).toUpperCase() + metric.slice(1);
}

/**
 * Writes one SVG per metric of the history into `dir`: `loss.svg` (log scale when positive), then
 * every other metric the epochs report (`accuracy.svg`, `rmse.svg`, `gradNorm.svg`, …).
 *
 * @param dir - The plots folder (created if missing).
 * @param history - The epoch records.
 * @returns The files written.
 * @example
 * ```ts
 * await writeTrainingPlots('runs/w1/plots', result.history);
 * ```
 */
export async function writeTrainingPlots(
  dir: string,
  history: readonly EpochRecord[],
): Promise<string[]> {
  const { fs, path } = nodeFs('writing plots');
  await fs.mkdir(dir, { recursive: true });
  const metrics = ['loss'];
  for (const r of history) {
    for (const name of [...Object.keys(r.train), ...Object.keys(r.validation ?? {})]) {
      if (!metrics.includes(name)) metrics.push(name);
    }
  }
  const written: string[] = [];
  for (const metric of metrics) {
    const points = metricSeries(history, metric).filter((p) => Number.isFinite(p.y));
    if (points.length === 0) continue;
    const svg = await renderSvg(
      lineChartSpec({
        title: title(metric),
        xTitle: 'epoch',
        yTitle: metric,
        points,
        logY: metric === 'loss' && points.every((p) => p.y > 0),
      }),
    );
    const file = path.join(dir, `${metric.replace(/[^\w.-]/g, '_')}.svg`);
    await writeFileAtomic(file, svg);
    written.push(file);
  }
  return written;
}
