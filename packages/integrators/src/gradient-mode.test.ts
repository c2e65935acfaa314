// Gradient modes as values: names and objects read the same way, settings belong to their mode, reversible needs leapfrog.
import { ValueError } from '@runge/tensor-ops';
import { describe, expect, it } from 'vitest';
import { checkpoint, GRADIENT_MODES, resolveGradient } from './gradient-mode.js';

describe('gradient modes', () => {
  it('a name and its object form resolve to the same value', () => {
    for (const mode of GRADIENT_MODES) {
      const method = mode === 'reversible' ? 'leapfrog' : 'rk4';
      expect(resolveGradient(mode, method)).toEqual({ mode });
      expect(resolveGradient({ mode }, method)).toEqual({ mode });
    }
    expect(resolveGradient(undefined, 'euler')).toEqual({ mode: 'backprop' });
  });

  it('checkpoint carries its spacing, as a value and in JSON form', () => {
    expect(checkpoint({ every: 4 })).toEqual({ mode: 'checkpoint', every: 4 });
    expect(checkpoint()).toEqual({ mode: 'checkpoint' });
    expect(resolveGradient({ mode: 'checkpoint', every: 3 }, 'euler')).toEqual({
      mode: 'checkpoint',
      every: 3,
    });
    expect(() => checkpoint({ every: 1.5 })).toThrow(ValueError);
  });

  it('refuses unknown modes, settings of another mode, and reversible without leapfrog', () => {
    expect(() => resolveGradient('exact', 'euler')).toThrow(/unknown mode 'exact'/);
    expect(() => resolveGradient({ every: 2 }, 'euler')).toThrow(/gradient.mode: missing/);
    expect(() => resolveGradient({ mode: 'backprop', every: 2 }, 'euler')).toThrow(
      /'every' does not apply to mode 'backprop'/,
    );
    expect(() => resolveGradient('reversible', 'rk4')).toThrow(
      /'reversible' needs an exactly invertible scheme, method 'leapfrog'/,
    );
    expect(() => resolveGradient(7, 'rk4')).toThrow(/expected a mode name/);
  });
});
