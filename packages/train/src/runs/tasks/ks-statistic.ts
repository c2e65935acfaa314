// The two-sample Kolmogorov–Smirnov statistic: the largest gap between two empirical distribution functions.
import { ValueError } from '@runge/tensor-ops';

/**
 * The two-sample Kolmogorov–Smirnov statistic
 * `D = sup_x |F_a(x) − F_b(x)|`, where `F_a(x) = #{i : a_i ≤ x} / n_a` and `F_b` likewise are the
 * empirical distribution functions of the samples. Both are step functions that only jump at
 * sample values, so the supremum is attained at one of them: sort both samples, walk through the
 * merged values in order, and after each distinct value (all its ties in both samples taken)
 * compare the two fractions seen. `0 ≤ D ≤ 1`; `D = 0` for identical samples, `1` when every `a`
 * lies below every `b`. Under the null hypothesis (same continuous distribution) `D` is of order
 * `√((n_a + n_b)/(n_a n_b))` (the 5% critical value is about `1.36` times that).
 *
 * @param a - First sample (finite numbers, at least one).
 * @param b - Second sample (finite numbers, at least one).
 * @returns `D`.
 * @throws {@link @runge/tensor-ops!ValueError} for an empty sample or a value that is not finite.
 * @example
 * ```ts
 * ksStatistic([1, 2, 3], [2.5, 4]); // 2/3: at x = 2, F_a = 2/3 and F_b = 0
 * ```
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const xs = sorted(a, 'a');
  const ys = sorted(b, 'b');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < xs.length && j < ys.length) {
    const x = Math.min(xs[i] as number, ys[j] as number);
    while (i < xs.length && (xs[i] as number) <= x) i++;
    while (j < ys.length && (ys[j] as number) <= x) j++;
    d = Math.max(d, Math.abs(i / xs.length - j / ys.length));
  }
  // Past the end of one sample its function is 1; the other's fraction only grows towards 1.
  return Math.max(d, Math.abs(i / xs.length - j / ys.length));
}

function sorted(values: ArrayLike<number>, name: string): Float64Array {
  if (values.length === 0) {
    throw new ValueError(`ksStatistic: sample ${name} is empty; give at least one value`);
  }
  const out = Float64Array.from(values);
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) {
      throw new ValueError(
        `ksStatistic: sample ${name}[${k}] is ${out[k]}; remove NaN and infinite values first`,
      );
    }
  }
  return out.sort();
}
