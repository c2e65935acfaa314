// Style transfer between PNG files: reads the content and style pictures (or draws the built-in pair), runs the style flow and writes the pictures and the losses into a folder.
import * as tf from '@tensorflow/tfjs-core';
import { nodeFs } from '../node-fs.js';
import { readPng, writePng } from '../plots/png.js';
import { type FeatureModel, loadFeatureModel } from './feature-model.js';
import { builtInStylePair } from './style-pair.js';
import { type StylizeOptions, stylize } from './stylize.js';

/** Options of {@link stylizeFiles}. */
export interface StylizeFilesOptions
  extends Omit<StylizeOptions, 'content' | 'style' | 'featureExtractor'> {
  /** The content PNG; default the built-in disc. */
  readonly content?: string;
  /** The style PNG; default the built-in stripes. */
  readonly style?: string;
  /** The folder to write into (created when missing). */
  readonly out: string;
  /** Side of the built-in pictures in pixels; default 32. */
  readonly size?: number;
  /** A folder with a TF.js layers model (`model.json` and weights) to use as φ ({@link loadFeatureModel}); default the random-filter network. */
  readonly featureModel?: string;
  /** The layers of `featureModel` whose outputs are φ's feature maps; default every convolution layer. */
  readonly featureLayers?: readonly string[];
}

/** What {@link stylizeFiles} wrote and measured. */
export interface StylizeFilesResult {
  /** `content.png`, `style.png`, `stylized.png` and `stylize.json` in `out`. */
  readonly files: readonly string[];
  /** The style loss before the first step and after the last. */
  readonly style: { readonly start: number; readonly end: number };
  /** The content loss before the first step and after the last. */
  readonly content: { readonly start: number; readonly end: number };
  /** The layers of the feature model φ read, when one was given. */
  readonly featureLayers?: readonly string[];
}

/** A picture as RGB: grey pictures get their one channel three times. */
async function rgb(file: string): Promise<tf.Tensor3D> {
  const image = await readPng(file);
  if (image.shape[2] === 3) return image;
  const out = tf.tidy(() => tf.tile(image, [1, 1, 3]) as tf.Tensor3D);
  image.dispose();
  return out;
}

/**
 * Style transfer between pictures (docs: /guide/applications#style-transfer): reads the content
 * and style PNGs (a real codec, pngjs), or draws the built-in pair ({@link builtInStylePair}) when
 * they are not given, loads the feature model φ from `featureModel` when given
 * ({@link loadFeatureModel}), runs {@link stylize}, and writes `content.png`, `style.png`, the result
 * `stylized.png` and `stylize.json` (the settings and both losses at every step) into `out`.
 *
 * @param options - The pictures, the folder and the settings of {@link stylize}.
 * @returns The files written and the losses at the start and the end.
 * @throws {@link @runge/tensor-ops!DataError} for a file that is missing or not a PNG.
 * @example
 * ```ts
 * const { style } = await stylizeFiles({ out: 'runs/stylize' }); // the built-in pair
 * console.log(style.start / style.end);
 * ```
 */
export async function stylizeFiles(options: StylizeFilesOptions): Promise<StylizeFilesResult> {
  const { fs, path } = nodeFs('writing pictures');
  let content: tf.Tensor3D | undefined;
  let style: tf.Tensor3D | undefined;
  let phi: FeatureModel | undefined;
  try {
    const pair = options.content && options.style ? null : builtInStylePair(options.size ?? 32);
    content = options.content ? await rgb(options.content) : pair?.content;
    style = options.style ? await rgb(options.style) : pair?.style;
    if (options.content) pair?.content.dispose();
    if (options.style) pair?.style.dispose();
    if (!content || !style) throw new Error('stylizeFiles: no pictures');
    const {
      content: _c,
      style: _s,
      out,
      size: _size,
      featureModel,
      featureLayers,
      ...settings
    } = options;
    if (featureModel) {
      phi = await loadFeatureModel(featureModel, featureLayers ? { layers: featureLayers } : {});
    }
    const result = await stylize({
      ...settings,
      content,
      style,
      ...(phi ? { featureExtractor: phi.extractor } : {}),
    });
    await fs.mkdir(out, { recursive: true });
    const files = ['content.png', 'style.png', 'stylized.png', 'stylize.json'].map((f) =>
      path.join(out, f),
    );
    await writePng(files[0] as string, content);
    await writePng(files[1] as string, style);
    await writePng(files[2] as string, result.image);
    result.image.dispose();
    const { onStep: _onStep, ...rest } = settings;
    const json = { ...rest, ...(phi ? { featureModel, featureLayers: phi.layers } : {}) };
    await fs.writeFile(
      files[3] as string,
      `${JSON.stringify({ settings: json, styleLoss: result.styleLoss, contentLoss: result.contentLoss }, null, 2)}\n`,
    );
    return {
      files,
      style: { start: result.styleLoss[0] as number, end: result.styleLoss.at(-1) as number },
      content: { start: result.contentLoss[0] as number, end: result.contentLoss.at(-1) as number },
      ...(phi ? { featureLayers: phi.layers } : {}),
    };
  } finally {
    phi?.dispose();
    tf.dispose([content, style].filter((t): t is tf.Tensor3D => t !== undefined));
  }
}
