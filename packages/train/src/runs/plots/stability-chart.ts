// The stability plot: each method's stability region and a network's eigenvalues hλ, on axes of equal scale.
import {
  type Box,
  chainSegments,
  type MethodName,
  regionBoundary,
  regionBox,
} from '@runge/integrators';
import type { TopLevelSpec } from 'vega-lite';

/** One scaled eigenvalue `hλ` of a block, as plotted. */
export interface HLambdaPoint {
  /** The block it belongs to (the colour). */
  readonly block: string;
  /** `Re(hλ)`. */
  readonly re: number;
  /** `Im(hλ)`. */
  readonly im: number;
}

const WIDTH = 520;
const HEIGHT = 420;

/**
 * The part of the plane to show: the stability regions of the methods and every point, with a
 * margin, widened so that one unit has the same length on both axes (circles stay round).
 */
export function plotBox(methods: readonly string[], points: readonly HLambdaPoint[]): Box {
  const boxes = methods.map((m) => regionBox(m as MethodName));
  let reMin = Math.min(...boxes.map((b) => b.reMin), ...points.map((p) => p.re));
  let reMax = Math.max(...boxes.map((b) => b.reMax), ...points.map((p) => p.re));
  let imMin = Math.min(...boxes.map((b) => b.imMin), ...points.map((p) => p.im));
  let imMax = Math.max(...boxes.map((b) => b.imMax), ...points.map((p) => p.im));
  const margin = 0.05 * Math.max(reMax - reMin, imMax - imMin);
  reMin -= margin;
  reMax += margin;
  imMin -= margin;
  imMax += margin;
  const perPixel = Math.max((reMax - reMin) / WIDTH, (imMax - imMin) / HEIGHT);
  const reMid = (reMin + reMax) / 2;
  const imMid = (imMin + imMax) / 2;
  return {
    reMin: reMid - (perPixel * WIDTH) / 2,
    reMax: reMid + (perPixel * WIDTH) / 2,
    imMin: imMid - (perPixel * HEIGHT) / 2,
    imMax: imMid + (perPixel * HEIGHT) / 2,
  };
}

const isLeapfrog = (method: string): boolean => method === 'leapfrog';

function regionLabel(method: string): string {
  return isLeapfrog(method) ? 'leapfrog: hλ ∈ [−2i, 2i]' : `${method}: |R(hλ)| = 1`;
}

/**
 * The Vega-Lite spec of the stability plot: the boundary of each method's stability region
 * (`|R(z)| = 1`, or the leapfrog interval on the imaginary axis, drawn thick), the axes, and the
 * points `hλ` coloured by block. Both axes have the same scale.
 *
 * @param options - `title`, the blocks' `methods`, the `points`.
 * @returns The spec (the same spec renders in the docs site).
 * @example
 * ```ts
 * const svg = await renderSvg(stabilitySpec({ title, methods: ['euler'], points }));
 * ```
 */
export function stabilitySpec(options: {
  title: string;
  methods: readonly string[];
  points: readonly HLambdaPoint[];
}): TopLevelSpec {
  const methods = [...new Set(options.methods)];
  const box = plotBox(methods, options.points);
  let curve = 0;
  const boundary = methods.flatMap((method) =>
    chainSegments(regionBoundary(method as MethodName, box)).flatMap((line) => {
      curve++;
      return line.map(([re, im], order) => ({
        re,
        im,
        order,
        curve,
        region: regionLabel(method),
        width: isLeapfrog(method) ? 4 : 1.5,
      }));
    }),
  );
  const axes = [
    { x: box.reMin, y: 0, x2: box.reMax, y2: 0 },
    { x: 0, y: box.imMin, x2: 0, y2: box.imMax },
  ];
  const x = {
    type: 'quantitative' as const,
    title: 'Re(hλ)',
    scale: { domain: [box.reMin, box.reMax], nice: false, zero: false },
  };
  const y = {
    type: 'quantitative' as const,
    title: 'Im(hλ)',
    scale: { domain: [box.imMin, box.imMax], nice: false, zero: false },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: WIDTH,
    height: HEIGHT,
    resolve: { scale: { color: 'independent' } },
    layer: [
      {
        data: { values: axes },
        mark: { type: 'rule', color: '#bbbbbb', strokeWidth: 1, aria: false },
        encoding: {
          x: { field: 'x', ...x },
          y: { field: 'y', ...y },
          x2: { field: 'x2' },
          y2: { field: 'y2' },
        },
      },
      {
        data: { values: boundary },
        mark: { type: 'line', aria: false },
        encoding: {
          x: { field: 're', ...x },
          y: { field: 'im', ...y },
          detail: { field: 'curve', type: 'nominal' },
          order: { field: 'order', type: 'quantitative' },
          color: {
            field: 'region',
            type: 'nominal',
            title: 'stability region',
            legend: { labelLimit: 320 },
            scale: { range: ['#222222', '#8c564b', '#7f7f7f', '#bcbd22'] },
          },
          strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
        },
      },
      {
        data: { values: options.points.map((p) => ({ ...p })) },
        mark: { type: 'point', filled: true, size: 28, opacity: 0.75, aria: false },
        encoding: {
          x: { field: 're', ...x },
          y: { field: 'im', ...y },
          color: {
            field: 'block',
            type: 'nominal',
            title: 'block',
            legend: { labelLimit: 320 },
            scale: { scheme: 'category10' },
          },
        },
      },
    ],
  };
}
