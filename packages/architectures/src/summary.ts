// The layer table of a model: rows of shapes and parameter counts, as data and as aligned text.
import { formatShape } from '@runge/tensor-ops';
import type { Layer } from './layer.js';

/** What {@link summarize} reads of a model: its name, its shapes and its layers. */
export interface SummarizedModel {
  /** Model name. */
  readonly name: string;
  /** Input shape without the batch axis. */
  readonly inputShape: readonly number[];
  /** Output shape without the batch axis. */
  readonly outputShape: readonly number[];
  /** The layers in order. */
  readonly layers: readonly Layer[];
}

/** One row of a {@link ModelSummary}. */
export interface LayerSummary {
  /** Layer name. */
  readonly name: string;
  /** Config type. */
  readonly type: string;
  /** A short description of the layer's settings (`'3×3, 16 ch, relu'`, `'resnet, N=8, M=8, euler'`). */
  readonly detail: string;
  /** Output shape without the batch axis. */
  readonly outputShape: readonly number[];
  /** Trainable scalars of the layer. */
  readonly parameterCount: number;
  /** Non-trainable state scalars of the layer. */
  readonly stateCount: number;
}

/** A model's layer table, as data and as text. */
export interface ModelSummary {
  /** Model name. */
  readonly name: string;
  /** Input shape without the batch axis. */
  readonly inputShape: readonly number[];
  /** Output shape without the batch axis. */
  readonly outputShape: readonly number[];
  /** One row per layer. */
  readonly layers: readonly LayerSummary[];
  /** Total trainable scalars (the sum of the rows). */
  readonly parameterCount: number;
  /** Total state scalars. */
  readonly stateCount: number;
  /** The table as aligned text. */
  readonly table: string;
}

function detailOf(config: Readonly<Record<string, unknown>>): string {
  switch (config.type) {
    case 'conv':
      return `${config.kernelSize}×${config.kernelSize}${config.stride !== 1 ? ` /${config.stride}` : ''}, ${config.activation}`;
    case 'dense':
      return String(config.activation);
    case 'pool':
      return `${config.mode} ${config.size}×${config.size}`;
    case 'global-pool':
      return String(config.mode);
    case 'batchnorm':
      return `momentum ${config.momentum}`;
    case 'dropout':
      return `rate ${config.rate}${config.mcDropout ? ', MC' : ''}`;
    case 'activation':
      return String(config.activation);
    case 'ode':
      return `${config.dynamics}, N=${config.steps}, M=${config.controls}, ${config.method}, ${config.activation}`;
    case 'fractal':
      return `C=${config.columns}, ${config.activation}`;
    default:
      return '';
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Builds the summary of a model: per layer its output shape and the count `∏ shape` summed over
 * its parameters (and, separately, its state), and the totals.
 *
 * @example
 * ```ts
 * console.log(summarize(model).table);
 * ```
 */
export function summarize(model: SummarizedModel): ModelSummary {
  const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
  const layers: LayerSummary[] = model.layers.map((l) => ({
    name: l.name,
    type: l.type,
    detail: detailOf(l.config),
    outputShape: l.outputShape,
    parameterCount: l.params.reduce((n, p) => n + size(p.shape), 0),
    stateCount: l.state.reduce((n, p) => n + size(p.shape), 0),
  }));
  const parameterCount = layers.reduce((n, l) => n + l.parameterCount, 0);
  const stateCount = layers.reduce((n, l) => n + l.stateCount, 0);
  const rows = [
    ['Layer', 'Type', 'Detail', 'Output shape', 'Params'],
    ...layers.map((l) => [
      l.name,
      l.type,
      l.detail,
      formatShape(l.outputShape),
      count(l.parameterCount + l.stateCount) + (l.stateCount > 0 ? '*' : ''),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const text = [
    `Model: ${model.name}   input ${formatShape(model.inputShape)} → output ${formatShape(model.outputShape)}`,
    rule,
    line(rows[0] as string[]),
    rule,
    ...rows.slice(1).map((r) => line(r)),
    rule,
    `Trainable parameters: ${count(parameterCount)}`,
    ...(stateCount > 0 ? [`State (non-trainable, marked *): ${count(stateCount)}`] : []),
  ].join('\n');
  return {
    name: model.name,
    inputShape: model.inputShape,
    outputShape: model.outputShape,
    layers,
    parameterCount,
    stateCount,
    table: text,
  };
}
