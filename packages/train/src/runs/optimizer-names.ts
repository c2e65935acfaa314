// The names of the optimisers a run configuration can ask for: first-order and second-order.

/**
 * The second-order optimisers of run configurations (`train.optimizer`): `lbfgs`, `newton`
 * (Newton–CG), `gauss-newton` (stochastic Gauss–Newton on each batch) and `varpro` (variable
 * projection of the classifier head, the other weights by SGD with Nesterov momentum). They
 * solve each batch's problem, so they want large batches (`train.batchSize`).
 *
 * @example
 * ```ts
 * SECOND_ORDER_OPTIMIZERS.includes('varpro'); // true
 * ```
 */
export const SECOND_ORDER_OPTIMIZERS = Object.freeze([
  'lbfgs',
  'newton',
  'gauss-newton',
  'varpro',
] as const);

/** A name of {@link SECOND_ORDER_OPTIMIZERS}. */
export type SecondOrderOptimizerName = (typeof SECOND_ORDER_OPTIMIZERS)[number];

/**
 * The optimisers of run configurations (`train.optimizer`): `sgd` (plain), `momentum` (SGD with
 * Nesterov momentum `train.momentum`), `adam` (whose first-moment decay β₁ is `train.momentum`;
 * the default 0.9 is Adam's usual β₁, and GANs train more steadily with 0.5), and the
 * second-order ones of {@link SECOND_ORDER_OPTIMIZERS} (`lbfgs`, `newton`, `gauss-newton`, `varpro`).
 *
 * @example
 * ```ts
 * OPTIMIZER_NAMES.includes('adam'); // true
 * ```
 */
export const OPTIMIZER_NAMES = Object.freeze([
  'sgd',
  'momentum',
  'adam',
  ...SECOND_ORDER_OPTIMIZERS,
] as const);

/** A name of {@link OPTIMIZER_NAMES}. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
