// How the CLI prints results: evaluations, confusion matrices, aligned tables of stability and convergence.
import type { BlockStability } from '@runge/architectures';
import type { ConvergenceStudyResult, StabilityNumbers } from '@runge/integrators';
import type { TaskEvaluation } from '@runge/train';

/** `accuracy 97.60%, loss 0.0868`: a task evaluation in one line. */
export function formatEvaluation(evaluation: TaskEvaluation): string {
  const metrics = Object.entries(evaluation.metrics).map(([name, value]) =>
    name.includes('accuracy')
      ? `${name} ${(100 * value).toFixed(2)}%`
      : `${name} ${value.toPrecision(4)}`,
  );
  return [...metrics, `loss ${evaluation.loss.toFixed(4)}`].join(', ');
}

/** Formats a confusion matrix as an aligned table with true classes as rows. */
export function formatConfusion(confusion: readonly (readonly number[])[]): string {
  const width = Math.max(3, ...confusion.flat().map((v) => String(v).length)) + 1;
  const pad = (s: string | number): string => String(s).padStart(width);
  const header = `${'true\\pred'.padEnd(10)}${confusion.map((_, j) => pad(j)).join('')}`;
  const rows = confusion.map((row, i) => `${String(i).padEnd(10)}${row.map(pad).join('')}`);
  return [header, ...rows].join('\n');
}

/** One line of the stability table. */
export interface StabilityRow {
  readonly block: string;
  readonly dynamics: string;
  readonly method: string;
  /** The step index `j`, or `'all'` for a block's summary line. */
  readonly step: number | 'all';
  /** The time `t_j` (absent on summary lines). */
  readonly t?: number;
  readonly h: number;
  readonly numbers: StabilityNumbers;
}

/** Aligns columns: each column padded to its widest cell, two spaces between columns. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A number with `digits` significant digits, plain notation unless very large or small. */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-4) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

/**
 * The stability table: one line per block and step (and a summary line `all` per block) with
 * the block, its dynamics and integrator, the step `j` and time `t_j`, `h`, `max |hλ|`,
 * `max Re(hλ)`, `max |R(hλ)|` and whether every `hλ` lies in the region (`no (k/n outside)`
 * otherwise).
 *
 * @param rows - The lines.
 * @returns The table as text (no trailing newline).
 */
export function formatStabilityTable(rows: readonly StabilityRow[]): string {
  const header = [
    'block',
    'dynamics',
    'integrator',
    'step',
    't',
    'h',
    'max|hλ|',
    'max Re(hλ)',
    'max|R(hλ)|',
    'stable',
  ];
  const lines = rows.map((r) => [
    r.block,
    r.dynamics,
    r.method,
    String(r.step),
    r.t === undefined ? '' : formatNumber(r.t),
    formatNumber(r.h),
    formatNumber(r.numbers.maxAbs),
    formatNumber(r.numbers.maxRe),
    formatNumber(r.numbers.maxGrowth, 6),
    r.numbers.stable ? 'yes' : `no (${r.numbers.outside}/${r.numbers.count} outside)`,
  ]);
  return alignColumns([header, ...lines]);
}

/** The table's lines: every analysed step of every block, then the block's summary line. */
export function stabilityRows(blocks: readonly BlockStability[]): StabilityRow[] {
  return blocks.flatMap((b) => [
    ...b.steps.map(
      (s): StabilityRow => ({
        block: b.block,
        dynamics: b.dynamics,
        method: b.method,
        step: s.step,
        t: s.t,
        h: b.h,
        numbers: s.numbers,
      }),
    ),
    {
      block: b.block,
      dynamics: b.dynamics,
      method: b.method,
      step: 'all',
      h: b.h,
      numbers: b.summary,
    },
  ]);
}

/** Formats the study as an aligned table: one row per resolution. */
export function formatConvergence(study: ConvergenceStudyResult): string {
  const rows = [['steps', '‖y_N − y_2N‖/‖y_2N‖', 'observed order', 'test accuracy']];
  study.steps.forEach((n, i) => {
    rows.push([
      `${n}`,
      i < study.relativeDifferences.length
        ? (study.relativeDifferences[i] as number).toExponential(3)
        : '',
      i > 0 && i - 1 < study.orders.length ? (study.orders[i - 1] as number).toFixed(2) : '',
      study.accuracies ? `${(100 * (study.accuracies[i] as number)).toFixed(2)}%` : '',
    ]);
  });
  return alignColumns(rows);
}
