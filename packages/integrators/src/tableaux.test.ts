import { ValueError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import {
  DOPRI5,
  EULER,
  HEUN,
  MIDPOINT,
  orderConditionResiduals,
  RK4,
  validateTableau,
} from './tableaux.js';
import type { ButcherTableau } from './types.js';

const builtIns = [EULER, MIDPOINT, HEUN, RK4, DOPRI5];

describe('built-in tableaux', () => {
  it.each(builtIns)('$name satisfies every order condition up to its order', (tableau) => {
    for (const r of orderConditionResiduals(tableau, tableau.order)) {
      expect(Math.abs(r.residual), r.label).toBeLessThan(1e-14);
    }
  });

  it.each(builtIns.filter((t) => t.order < 5))(
    '$name fails some condition of order p + 1 (its order is exact)',
    (tableau) => {
      const next = orderConditionResiduals(tableau, tableau.order + 1).filter(
        (r) => r.order === tableau.order + 1,
      );
      expect(next.some((r) => Math.abs(r.residual) > 1e-6)).toBe(true);
    },
  );

  it('dopri5: the embedded weights have order 4 but not 5, and the pair is FSAL', () => {
    const bHat = DOPRI5.bHat as readonly number[];
    for (const r of orderConditionResiduals(DOPRI5, 4, bHat))
      expect(Math.abs(r.residual)).toBeLessThan(1e-14);
    expect(orderConditionResiduals(DOPRI5, 5, bHat).some((r) => Math.abs(r.residual) > 1e-6)).toBe(
      true,
    );
    expect(DOPRI5.a[6]).toEqual(DOPRI5.b.slice(0, 6));
    expect(validateTableau(DOPRI5)).toEqual(DOPRI5);
  });

  it.each(builtIns)('$name is accepted by validateTableau unchanged', (tableau) => {
    expect(validateTableau(tableau)).toEqual(tableau);
  });
});

describe('validateTableau', () => {
  const ralston: ButcherTableau = {
    name: 'ralston',
    order: 2,
    a: [[], [2 / 3]],
    b: [1 / 4, 3 / 4],
    c: [0, 2 / 3],
  };

  it('accepts a correct user tableau and full square rows with zeros above the diagonal', () => {
    expect(validateTableau(ralston)).toEqual(ralston);
    const square = {
      ...ralston,
      a: [
        [0, 0],
        [2 / 3, 0],
      ],
    };
    expect(validateTableau(square).a).toEqual([[], [2 / 3]]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', 42, /ButcherTableau/],
    ['no name', { ...ralston, name: '' }, /non-empty 'name'/],
    ['bad order', { ...ralston, order: 0 }, /'order' must be a positive integer/],
    ['c length', { ...ralston, c: [0] }, /'c' must be 2 finite numbers/],
    ['a rows', { ...ralston, a: [[]] }, /'a' must have 2 rows/],
    ['row length', { ...ralston, a: [[], [1, 2, 3]] }, /row 1 of 'a' must have 1 entries/],
    [
      'implicit',
      {
        ...ralston,
        a: [
          [0.5, 0],
          [2 / 3, 0],
        ],
      },
      /on or above the diagonal/,
    ],
    ['c not row sums', { ...ralston, c: [0, 0.5] }, /c\[1\] = 0.5 but Σ_j a\[1\]\[j\] = 0.666/],
    ['weights', { ...ralston, b: [0.5, 0.6] }, /Σ b_i = 1.1/],
    [
      'non-finite',
      { ...ralston, b: [Number.NaN, 1] },
      /'b' must be a non-empty array of finite numbers/,
    ],
    ['order too high', { ...ralston, order: 3 }, /claims order 3 .* fails the order-3 condition/],
    ['bHat without order', { ...ralston, bHat: [1, 0] }, /needs 'embeddedOrder'/],
    ['embeddedOrder without bHat', { ...ralston, embeddedOrder: 1 }, /without 'bHat'/],
    ['fsal inconsistent', { ...ralston, fsal: true }, /'fsal' needs the last row of a equal to b/],
  ];

  it.each(bad)('rejects %s with a clear ValueError', (_label, tableau, message) => {
    expect(() => validateTableau(tableau)).toThrow(ValueError);
    expect(() => validateTableau(tableau)).toThrow(message);
  });
});
