// The live page's trainer: a small ODE classifier of 2-D points, trained epoch by epoch, with what the page draws (plain TypeScript: the same code runs in Node and in a browser).
import {
  analyseStability,
  buildModel,
  checkMethod,
  defaultMethod,
  type Model,
  type ModelConfig,
  type ModelParams,
  type ModelState,
  ODE_DYNAMICS,
  type OdeDynamicsName,
  toyConfig,
  withSteps,
} from '@runge/architectures';
import { type Dataset, disposeDataset, peaks, spirals } from '@runge/datasets';
import {
  type Box,
  chainSegments,
  METHOD_NAMES,
  type MethodName,
  regionBoundary,
  regionBox,
} from '@runge/integrators';
import { assertNumber, assertOneOf, Rng, type TensorTree, treeDispose } from '@runge/tensor-ops';
import {
  adam,
  classification,
  type DataSourceName,
  evaluateClassifier,
  fit,
  predict,
  tensorSource,
} from '@runge/train';
import * as tf from '@tensorflow/tfjs-core';

/** The 2-D data sets of the run layer the page offers (both are drawn from a seed). */
export const PLAY_DATA = Object.freeze(['spirals', 'peaks'] as const satisfies DataSourceName[]);
/** A name of {@link PLAY_DATA}. */
export type PlayData = (typeof PLAY_DATA)[number];

/** The blocks the page offers: every ODE dynamics of the architectures package, and FractalNet. */
export const PLAY_BLOCKS = Object.freeze([...ODE_DYNAMICS, 'fractal'] as const);
/** A name of {@link PLAY_BLOCKS}. */
export type PlayBlock = (typeof PLAY_BLOCKS)[number];

/** What the reader chooses on the page. */
export interface PlaySettings {
  /** The data set; default `'spirals'`. */
  readonly data: PlayData;
  /** The block between the dense lift and the dense classifier; default `'resnet'`. */
  readonly block: PlayBlock;
  /** The integrator of an ODE block (ignored by fractal); default the block's own. */
  readonly method: MethodName;
  /** Steps `N` of an ODE block on `[0, T]`, `T = 1`; default 8. */
  readonly steps: number;
  /** Passes over the training set; default 20. */
  readonly epochs: number;
  /** Feature width of the block; default 16. */
  readonly width: number;
  /** Seed of the data, the initial weights and the batches; default 1. */
  readonly seed: number;
}

/** The settings the page starts with: they reach more than 90 % test accuracy on the spirals. */
export const DEFAULT_PLAY_SETTINGS: PlaySettings = Object.freeze({
  data: 'spirals',
  block: 'resnet',
  method: 'euler',
  steps: 8,
  epochs: 20,
  width: 16,
  seed: 1,
});

/** Training points per data set, and as many fresh points for testing. */
const POINTS = 600;
/** Examples per Adam step. */
const BATCH = 30;
/** Classes of each data set: the two spiral arms, three level sets of the peaks function. */
const CLASSES: Readonly<Record<PlayData, number>> = { spirals: 2, peaks: 3 };
/** The square each data set lives in, `[−r, r]²`. */
const EXTENT: Readonly<Record<PlayData, number>> = { spirals: 1.25, peaks: 3 };
/** Grid points per axis of the decision-boundary image. */
const GRID = 48;
/** Test points whose Jacobian spectra are plotted, at the block's first, middle and last step. */
const SPECTRUM_POINTS = 6;
const SPECTRUM_STEPS = 'first,middle,last';

/**
 * The integrators an ODE block of the given dynamics accepts (those {@link checkMethod} lets
 * through): leapfrog for Hamiltonian dynamics, every Runge–Kutta method for the others, none for
 * fractal.
 *
 * @param block - A name of {@link PLAY_BLOCKS}.
 * @returns Names of `METHOD_NAMES`, in its order.
 */
export function methodsFor(block: PlayBlock): MethodName[] {
  if (block === 'fractal') return [];
  return METHOD_NAMES.filter((m) => {
    try {
      checkMethod(block, m, 'method');
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Checks the settings and fills in what is missing: the block's own integrator when the one
 * named cannot integrate it (so switching the block on the page never leaves an invalid pair).
 *
 * @param settings - A partial choice.
 * @returns The full, valid settings.
 * @throws {@link @runge/tensor-ops!ValueError} for an unknown name or a bad number.
 */
export function resolveSettings(settings: Partial<PlaySettings> = {}): PlaySettings {
  const s = { ...DEFAULT_PLAY_SETTINGS, ...settings };
  const block = assertOneOf(s.block, PLAY_BLOCKS, 'block');
  const methods = methodsFor(block);
  const method = assertOneOf(s.method, METHOD_NAMES, 'method');
  return {
    data: assertOneOf(s.data, PLAY_DATA, 'data'),
    block,
    method:
      block === 'fractal' || methods.includes(method)
        ? method
        : defaultMethod(block as OdeDynamicsName),
    steps: assertNumber(s.steps, 'steps', { min: 1, max: 64, integer: true }),
    epochs: assertNumber(s.epochs, 'epochs', { min: 1, integer: true }),
    width: assertNumber(s.width, 'width', { min: 2, max: 64, integer: true }),
    seed: assertNumber(s.seed, 'seed', { integer: true }),
  };
}

/** The model config of the settings: dense lift (tanh), the block, dense classifier. */
export function playConfig(settings: PlaySettings): ModelConfig {
  return toyConfig({
    dynamics: settings.block,
    width: settings.width,
    steps: settings.steps,
    classes: CLASSES[settings.data],
    ...(settings.block === 'fractal' ? {} : { method: settings.method }),
  });
}

/** The classes of a `size × size` grid over `[xMin, xMax] × [yMin, yMax]`, rows from the top. */
export interface DecisionImage {
  /** Grid points per axis. */
  readonly size: number;
  /** The square's half-width `r`: the grid covers `[−r, r]²`. */
  readonly extent: number;
  /** The predicted class at row `i` (from `y = r` down), column `j` (from `x = −r`): index `i·size + j`. */
  readonly classes: Uint8Array;
  /** The softmax probability of the predicted class there, in `[1/k, 1]`. */
  readonly confidence: Float32Array;
}

/** The scaled Jacobian eigenvalues of an ODE block and its integrator's stability region. */
export interface SpectrumPicture {
  /** The integrator. */
  readonly method: string;
  /** Step `h = T/N`. */
  readonly h: number;
  /** The part of the complex plane to draw (contains the region and every point). */
  readonly box: Box;
  /** The region's boundary `|R(z)| = 1` as polylines of `[re, im]`. */
  readonly boundary: [number, number][][];
  /** The points `hλ` of the analysed test points at every step, `[re, im]`. */
  readonly points: [number, number][];
  /** `max |R(hλ)|` over them. */
  readonly maxGrowth: number;
}

/** What the page draws after an epoch (or after re-evaluating with another `N`). */
export interface PlaySnapshot {
  /** Epochs done. */
  readonly epoch: number;
  /** Steps `N` of the evaluated network. */
  readonly steps: number;
  /** Mean training loss of the last epoch (`NaN` for a re-evaluation). */
  readonly trainLoss: number;
  /** Cross-entropy on the test points. */
  readonly testLoss: number;
  /** Fraction of test points classified correctly. */
  readonly testAccuracy: number;
  /** The classifier's decision over the data's square. */
  readonly decision: DecisionImage;
  /** The block's `hλ` against the stability region; `null` for fractal (no integrator). */
  readonly spectrum: SpectrumPicture | null;
}

/** The data the page scatters over the decision image. */
export interface PlayPoints {
  /** Classes. */
  readonly classes: number;
  /** Half-width of the square. */
  readonly extent: number;
  /** Coordinates `x₀, y₀, x₁, y₁, …` of the test points. */
  readonly xy: Float32Array;
  /** Their labels. */
  readonly labels: Int32Array;
}

/** Options of {@link PlaySession.train}. */
export interface PlayTrainOptions {
  /**
   * Called after every epoch with what to draw (awaited: the page repaints there). Without it,
   * only the last epoch's snapshot is made.
   */
  readonly onEpoch?: (snapshot: PlaySnapshot) => void | Promise<void>;
  /** Stops training after the current batch. */
  readonly signal?: AbortSignal;
}

function drawData(data: PlayData, n: number, rng: Rng): Dataset {
  return data === 'spirals'
    ? spirals({ n, noise: 0.02, rng })
    : peaks({ n, numClasses: CLASSES.peaks, rng });
}

/**
 * A trainer for the live page: owns the data, the model and its trained weights (dispose it).
 *
 * @example
 * ```ts
 * const session = new PlaySession({ block: 'antisymmetric', method: 'rk4' });
 * const last = await session.train({ onEpoch: (s) => console.log(s.epoch, s.testAccuracy) });
 * const finer = session.evaluate(32); // the trained weights with 4× the steps
 * session.dispose();
 * ```
 */
export class PlaySession {
  /** The checked settings. */
  readonly settings: PlaySettings;
  /** The network being trained. */
  readonly model: Model;
  private readonly train_: Dataset;
  private readonly test_: Dataset;
  private readonly gridX: tf.Tensor2D;
  private params: ModelParams;
  private state: ModelState;
  private epochsDone = 0;

  /**
   * Draws the data (600 training and 600 test points from the seed) and initialises the network.
   *
   * @param settings - Partial settings, completed by {@link resolveSettings}.
   */
  constructor(settings: Partial<PlaySettings> = {}) {
    this.settings = resolveSettings(settings);
    const { data, seed } = this.settings;
    const rng = Rng.fromSeed(seed);
    this.train_ = drawData(data, POINTS, rng);
    this.test_ = drawData(data, POINTS, rng);
    this.model = buildModel(playConfig(this.settings));
    const vars = this.model.init(seed);
    this.params = vars.params;
    this.state = vars.state;
    const r = EXTENT[data];
    const coords = new Float32Array(2 * GRID * GRID);
    for (let i = 0; i < GRID; i++) {
      for (let j = 0; j < GRID; j++) {
        coords[2 * (i * GRID + j)] = -r + (2 * r * (j + 0.5)) / GRID;
        coords[2 * (i * GRID + j) + 1] = r - (2 * r * (i + 0.5)) / GRID;
      }
    }
    this.gridX = tf.tensor2d(coords, [GRID * GRID, 2]);
  }

  /** The test points with their labels, to scatter over the decision image. */
  points(): PlayPoints {
    return {
      classes: CLASSES[this.settings.data],
      extent: EXTENT[this.settings.data],
      xy: Float32Array.from(this.test_.x.dataSync()),
      labels: Int32Array.from(this.test_.y.dataSync()),
    };
  }

  /**
   * Trains for `settings.epochs` epochs with Adam (learning rate 0.02, cosine decay, batches of
   * 30), reporting a {@link PlaySnapshot} after each.
   *
   * @param options - `onEpoch`, `signal`.
   * @returns The snapshot after the last epoch.
   */
  async train(options: PlayTrainOptions = {}): Promise<PlaySnapshot> {
    const { epochs, seed } = this.settings;
    let last: PlaySnapshot | null = null;
    const result = await fit({
      problem: classification({
        apply: this.model.apply,
        params: this.params,
        state: this.state,
        optimizer: adam(),
        learningRate: { type: 'cosine', lr: 0.02 },
      }),
      train: tensorSource(this.train_),
      epochs,
      batchSize: BATCH,
      seed,
      ...(options.signal ? { signal: options.signal } : {}),
      onEpochEnd: async ({ record, params, state }) => {
        this.epochsDone = record.epoch + 1;
        // Without a listener only the last epoch's snapshot is wanted: it is made below.
        if (!options.onEpoch) return;
        last = this.snapshot(
          this.model,
          params.model as ModelParams,
          state as ModelState,
          record.train.loss ?? Number.NaN,
        );
        await options.onEpoch(last);
      },
    });
    treeDispose(this.params as TensorTree);
    treeDispose(this.state);
    this.params = result.params.model as ModelParams;
    this.state = result.state as ModelState;
    return (
      last ??
      this.snapshot(
        this.model,
        this.params,
        this.state,
        result.history.at(-1)?.train.loss ?? Number.NaN,
      )
    );
  }

  /**
   * The trained weights evaluated with `N` steps instead of the trained number: the same ODE
   * discretised more finely or more coarsely (for an ODE block; fractal ignores `N`).
   *
   * @param steps - The new `N`.
   * @returns Test loss and accuracy, decision image and spectrum of that network.
   */
  evaluate(steps: number): PlaySnapshot {
    assertNumber(steps, 'steps', { min: 1, max: 256, integer: true });
    const model =
      this.settings.block === 'fractal' || steps === this.settings.steps
        ? this.model
        : buildModel(withSteps(this.model.config, steps));
    return this.snapshot(model, this.params, this.state, Number.NaN);
  }

  /** Frees the data, the weights and the grid. */
  dispose(): void {
    disposeDataset(this.train_);
    disposeDataset(this.test_);
    treeDispose(this.params as TensorTree);
    treeDispose(this.state);
    this.gridX.dispose();
  }

  private snapshot(
    model: Model,
    params: ModelParams,
    state: ModelState,
    trainLoss: number,
  ): PlaySnapshot {
    const test = evaluateClassifier(model.apply, params, state, tensorSource(this.test_));
    const probs = tf.tidy(() => tf.softmax(predict(model.apply, params, state, this.gridX)));
    const p = probs.dataSync();
    probs.dispose();
    const k = CLASSES[this.settings.data];
    const classes = new Uint8Array(GRID * GRID);
    const confidence = new Float32Array(GRID * GRID);
    for (let i = 0; i < GRID * GRID; i++) {
      let best = 0;
      for (let c = 1; c < k; c++)
        if ((p[i * k + c] as number) > (p[i * k + best] as number)) best = c;
      classes[i] = best;
      confidence[i] = p[i * k + best] as number;
    }
    return {
      epoch: this.epochsDone,
      steps: stepsOf(model) ?? this.settings.steps,
      trainLoss,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      decision: { size: GRID, extent: EXTENT[this.settings.data], classes, confidence },
      spectrum: this.settings.block === 'fractal' ? null : this.spectrum(model, params, state),
    };
  }

  private spectrum(model: Model, params: ModelParams, state: ModelState): SpectrumPicture {
    const x = tf.slice(this.test_.x, [0, 0], [SPECTRUM_POINTS, 2]);
    try {
      const [block] = analyseStability(model, params, state, x, {
        stepsAt: SPECTRUM_STEPS,
      });
      if (!block) throw new Error('the model has no ODE block');
      const points: [number, number][] = block.steps.flatMap((s) =>
        s.hLambda.map((z): [number, number] => [z.re, z.im]),
      );
      // The region's box, widened in steps of ½ to hold every point (few boxes: few tracings).
      const region = boxOf(block.method as MethodName);
      const out = (v: number, up: boolean): number =>
        up ? Math.ceil(2 * v) / 2 : Math.floor(2 * v) / 2;
      const box: Box = {
        reMin: out(Math.min(region.reMin, ...points.map((z) => z[0] - 0.2)), false),
        reMax: out(Math.max(region.reMax, ...points.map((z) => z[0] + 0.2)), true),
        imMin: out(Math.min(region.imMin, ...points.map((z) => z[1] - 0.2)), false),
        imMax: out(Math.max(region.imMax, ...points.map((z) => z[1] + 0.2)), true),
      };
      return {
        method: block.method,
        h: block.h,
        box,
        boundary: boundaryOf(block.method as MethodName, box),
        points,
        maxGrowth: block.summary.maxGrowth,
      };
    } finally {
      x.dispose();
    }
  }
}

/** `N` of the model's ODE block, `undefined` without one. */
function stepsOf(model: Model): number | undefined {
  for (const layer of model.config.layers) if (layer.type === 'ode') return layer.steps;
  return undefined;
}

const boxes = new Map<MethodName, Box>();
const boundaries = new Map<string, [number, number][][]>();

/** The box around the method's region, computed once per method. */
function boxOf(method: MethodName): Box {
  let box = boxes.get(method);
  if (!box) {
    box = regionBox(method);
    boxes.set(method, box);
  }
  return box;
}

/** The region's boundary in the box, traced once per method and box. */
function boundaryOf(method: MethodName, box: Box): [number, number][][] {
  const key = `${method}:${box.reMin},${box.reMax},${box.imMin},${box.imMax}`;
  let lines = boundaries.get(key);
  if (!lines) {
    lines = chainSegments(regionBoundary(method, box, 121));
    boundaries.set(key, lines);
  }
  return lines;
}
