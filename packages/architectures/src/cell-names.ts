// The names of the recurrent cells, defined once for configs, the run layer and the CLI.

/**
 * The recurrent cells a sequence layer can run: `'rnn'` (vanilla, `h ← tanh(x W + h U + b)`),
 * `'gru'`, `'lstm'`, `'antisymmetric'` (AntisymmetricRNN, `h ← h + ε tanh((W − Wᵀ − γI) h + V x
 * + b)`) and `'gated-antisymmetric'` (its gated form). See {@link makeCell}.
 *
 * @example
 * ```ts
 * CELL_NAMES; // ['rnn', 'gru', 'lstm', 'antisymmetric', 'gated-antisymmetric']
 * ```
 */
export const CELL_NAMES = Object.freeze([
  'rnn',
  'gru',
  'lstm',
  'antisymmetric',
  'gated-antisymmetric',
] as const);

/**
 * One of {@link CELL_NAMES}.
 *
 * @example
 * ```ts
 * const cell: CellName = 'lstm';
 * ```
 */
export type CellName = (typeof CELL_NAMES)[number];

/**
 * The cells with a step size `ε` and a damping `γ` (the antisymmetric ones): a forward Euler
 * step of `dh/dt = f(h, x)`.
 *
 * @example
 * ```ts
 * EULER_CELLS.includes('antisymmetric'); // true
 * ```
 */
export const EULER_CELLS: readonly CellName[] = Object.freeze([
  'antisymmetric',
  'gated-antisymmetric',
]);
