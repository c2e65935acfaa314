import type * as tf from '@tensorflow/tfjs-core';
import { DTypeError, NumericalError, ShapeError, ValueError } from './errors.js';

/**
 * True when `x` is a TF.js tensor. Duck-typed, so tensors created by another copy of
 * `@tensorflow/tfjs-core` are recognised too.
 *
 * @param x - Any value.
 * @returns Whether `x` has a tensor's `shape`, `dtype`, `dataId` and `rank`.
 * @example
 * ```ts
 * isTensor(tf.scalar(1)); // true
 * isTensor([1, 2]);       // false
 * ```
 */
export function isTensor(x: unknown): x is tf.Tensor {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Partial<tf.Tensor>;
  return (
    Array.isArray(t.shape) &&
    typeof t.dtype === 'string' &&
    t.dataId !== undefined &&
    typeof t.rank === 'number'
  );
}

/**
 * Formats a shape for messages: `[64, 28, 28, 1]`; `null` entries (any size) print as `*`.
 *
 * @param shape - A shape, possibly with wildcards.
 * @returns The shape as text.
 * @example
 * ```ts
 * formatShape([3, 3, null, null]); // '[3, 3, *, *]'
 * ```
 */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
}

/**
 * Throws unless `x` is a tensor.
 *
 * @param x - The value to check.
 * @param name - The argument's name, used in the message.
 * @throws {@link ValueError} when `x` is not a tensor.
 * @example
 * ```ts
 * assertTensor(images, 'images');
 * ```
 */
export function assertTensor(x: unknown, name: string): asserts x is tf.Tensor {
  if (!isTensor(x)) {
    const got = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new ValueError(
      `${name}: expected a tf.Tensor, got ${got}; wrap data with tf.tensor(...)`,
    );
  }
  if (x.isDisposed) {
    throw new ValueError(
      `${name}: the tensor was already disposed; keep it alive (tf.keep) or recreate it`,
    );
  }
}

/**
 * Throws unless `x` is a tensor whose rank is `rank` (or one of `rank`).
 *
 * @param x - The tensor to check.
 * @param rank - The allowed rank(s).
 * @param name - The argument's name, used in the message.
 * @throws {@link ShapeError} naming the argument, the expected rank and the actual shape.
 * @example
 * ```ts
 * assertRank(images, 4, 'images'); // NHWC
 * ```
 */
export function assertRank(
  x: unknown,
  rank: number | readonly number[],
  name: string,
): asserts x is tf.Tensor {
  assertTensor(x, name);
  const ranks = typeof rank === 'number' ? [rank] : rank;
  if (!ranks.includes(x.rank)) {
    const expected = ranks.length === 1 ? `rank ${ranks[0]}` : `rank ${ranks.join(' or ')}`;
    throw new ShapeError(
      `${name}: expected ${expected}, got rank ${x.rank} with shape ${formatShape(x.shape)}`,
    );
  }
}

/**
 * Throws unless `x` is a tensor of the given shape; `null` entries match any size.
 *
 * @param x - The tensor to check.
 * @param shape - The expected shape, with `null` for free dimensions.
 * @param name - The argument's name, used in the message.
 * @throws {@link ShapeError} naming the argument, the expected and the actual shape.
 * @example
 * ```ts
 * assertShape(kernel, [3, 3, null, null], 'kernel'); // any channel counts
 * ```
 */
export function assertShape(
  x: unknown,
  shape: readonly (number | null)[],
  name: string,
): asserts x is tf.Tensor {
  assertTensor(x, name);
  const ok = x.rank === shape.length && shape.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) {
    throw new ShapeError(
      `${name}: expected shape ${formatShape(shape)}, got ${formatShape(x.shape)}`,
    );
  }
}

/**
 * Throws unless two tensors have identical shapes.
 *
 * @param a - First tensor.
 * @param b - Second tensor.
 * @param names - The two arguments' names, used in the message.
 * @throws {@link ShapeError} when the shapes differ.
 * @example
 * ```ts
 * assertSameShape(prediction, target, ['prediction', 'target']);
 * ```
 */
export function assertSameShape(
  a: tf.Tensor,
  b: tf.Tensor,
  names: readonly [string, string],
): void {
  const same = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (!same) {
    throw new ShapeError(
      `${names[0]} and ${names[1]} must have the same shape, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
}

/**
 * Throws unless `x` has one of the allowed dtypes.
 *
 * @param x - The tensor to check.
 * @param dtypes - The allowed dtype(s).
 * @param name - The argument's name, used in the message.
 * @throws {@link DTypeError} naming the argument, the allowed and the actual dtype.
 * @example
 * ```ts
 * assertDtype(labels, ['int32', 'float32'], 'labels');
 * ```
 */
export function assertDtype(
  x: tf.Tensor,
  dtypes: tf.DataType | readonly tf.DataType[],
  name: string,
): void {
  const allowed = typeof dtypes === 'string' ? [dtypes] : dtypes;
  if (!allowed.includes(x.dtype)) {
    throw new DTypeError(
      `${name}: expected dtype ${allowed.map((d) => `'${d}'`).join(' or ')}, got '${x.dtype}'; convert with tf.cast`,
    );
  }
}

/**
 * Throws unless every entry of `x` is finite. Reads the tensor's data synchronously, so use it at
 * boundaries (inputs, a loss value), not inside hot loops.
 *
 * @param x - The tensor to check.
 * @param name - The argument's name, used in the message.
 * @throws {@link NumericalError} naming the argument and the first non-finite entry.
 * @example
 * ```ts
 * assertFinite(loss, 'loss'); // NaN after a diverging step → clear error
 * ```
 */
export function assertFinite(x: tf.Tensor, name: string): void {
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      throw new NumericalError(
        `${name}: entry ${i} of a tensor with shape ${formatShape(x.shape)} is ${v}; lower the learning rate or step size, or check the input data`,
      );
    }
  }
}

/**
 * Throws unless `value` is a finite number in the given range (bounds inclusive unless stated).
 *
 * @param value - The number to check.
 * @param name - The option's name, used in the message.
 * @param range - `min`/`max` bounds, `integer` to require an integer, `exclusiveMin` for `> min`.
 * @returns `value`, for use in expressions.
 * @throws {@link ValueError} naming the option, the allowed range and the value given.
 * @example
 * ```ts
 * const steps = assertNumber(options.steps, 'steps', { min: 1, integer: true });
 * ```
 */
export function assertNumber(
  value: unknown,
  name: string,
  range: {
    min?: number;
    max?: number;
    integer?: boolean;
    exclusiveMin?: boolean;
    exclusiveMax?: boolean;
  } = {},
): number {
  const describe = (): string => {
    const parts: string[] = [range.integer ? 'an integer' : 'a finite number'];
    if (range.min !== undefined) parts.push(`${range.exclusiveMin ? '>' : '>='} ${range.min}`);
    if (range.max !== undefined) parts.push(`${range.exclusiveMax ? '<' : '<='} ${range.max}`);
    return parts.join(' ');
  };
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (range.integer && !Number.isInteger(value))
  ) {
    throw new ValueError(
      `${name}: expected ${describe()}, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  const { min, max } = range;
  const tooSmall = min !== undefined && (range.exclusiveMin ? value <= min : value < min);
  const tooLarge = max !== undefined && (range.exclusiveMax ? value >= max : value > max);
  if (tooSmall || tooLarge) {
    throw new ValueError(`${name}: expected ${describe()}, got ${value}`);
  }
  return value;
}

/**
 * Throws unless `value` is one of `allowed`.
 *
 * @param value - The value to check.
 * @param allowed - The allowed values.
 * @param name - The option's name, used in the message.
 * @returns `value`, narrowed to the allowed union.
 * @throws {@link ValueError} listing the allowed values.
 * @example
 * ```ts
 * const method = assertOneOf(options.method, ['euler', 'rk4'] as const, 'method');
 * ```
 */
export function assertOneOf<const T extends string | number | boolean>(
  value: unknown,
  allowed: readonly T[],
  name: string,
): T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ');
    throw new ValueError(
      `${name}: unknown ${JSON.stringify(value) ?? String(value)}; expected one of ${list}`,
    );
  }
  return value as T;
}
