// How the CLI prints evaluations: percentages for accuracy, four significant digits for the rest.
import { describe, expect, it } from 'vitest';
import { formatConfusion, formatEvaluation } from '../src/format.js';

describe('formatEvaluation', () => {
  it('accuracy as a percentage with two decimals, other metrics to four digits, then the loss', () => {
    expect(formatEvaluation({ loss: 0.123456, metrics: { accuracy: 2 / 3 }, examples: 3 })).toBe(
      'accuracy 66.67%, loss 0.1235',
    );
    expect(
      formatEvaluation({ loss: 0.5, metrics: { rmse: Math.SQRT1_2, r2: 0.9 }, examples: 4 }),
    ).toBe('rmse 0.7071, r2 0.9000, loss 0.5000');
  });

  it('the confusion matrix: true classes as rows, columns aligned', () => {
    const text = formatConfusion([
      [12, 1],
      [0, 7],
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('true\\pred    0   1');
    // every cell padded to width max(3, widest) + 1 = 4 after a 10-character label column
    expect(lines[1]).toBe(`${'0'.padEnd(10)}  12   1`);
    expect(lines[2]).toBe(`${'1'.padEnd(10)}   0   7`);
  });
});
