import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochRecord } from '@runge/train';
import { lineChartSpec, renderSvg, type SeriesPoint } from './plots.js';
import { writeFileAtomic } from './run-dir.js';

/** Points of one metric over epochs, for training and validation. */
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

/** Writes `loss.svg` and `accuracy.svg` (when accuracy is tracked) into `dir`. */
export async function writeTrainingPlots(
  dir: string,
  history: readonly EpochRecord[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [metric, title, yTitle] of [
    ['loss', 'Loss', 'loss'],
    ['accuracy', 'Accuracy', 'accuracy'],
  ] as const) {
    const points = metricSeries(history, metric);
    if (points.length === 0) continue;
    const svg = await renderSvg(
      lineChartSpec({
        title,
        xTitle: 'epoch',
        yTitle,
        points,
        logY: metric === 'loss' && points.every((p) => p.y > 0),
      }),
    );
    const file = join(dir, `${metric}.svg`);
    await writeFileAtomic(file, svg);
    written.push(file);
  }
  return written;
}
