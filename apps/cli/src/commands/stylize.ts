// `runge stylize`: style transfer as an ODE between two PNG pictures (or the built-in pair), the pictures written to a folder, the losses printed.

import { resolve } from 'node:path';
import { initRunBackend, type StylizeFilesOptions, stylizeFiles } from '@runge/train';
import { type CommandIo, json, line } from '../output.js';

/** Options of `runge stylize`. */
export interface StylizeCommandOptions extends Omit<StylizeFilesOptions, 'out' | 'onStep'> {
  /** Output folder; default `runs/stylize`. */
  readonly out?: string;
  /** TF.js backend; default `auto`. */
  readonly backend?: string;
}

/**
 * `runge stylize [--content A.png --style B.png] [--out dir] [--architecture block]
 * [--feature-model dir [--feature-layers a,b]]`; returns the exit code.
 */
export async function stylizeCommand(
  options: StylizeCommandOptions,
  io: CommandIo,
): Promise<number> {
  await initRunBackend({ backend: options.backend ?? 'auto' });
  const { backend: _backend, out, ...settings } = options;
  const result = await stylizeFiles({
    ...settings,
    out: resolve(out ?? 'runs/stylize'),
    onStep: (step, losses) => json(io, { event: 'step', step, ...losses }),
  });
  const { style, content, files, featureLayers } = result;
  json(io, {
    event: 'stylized',
    style,
    content,
    files,
    ...(featureLayers ? { featureLayers } : {}),
  });
  line(
    io,
    `style loss ${style.start.toPrecision(4)} → ${style.end.toPrecision(4)} (${(style.start / style.end).toFixed(1)}× lower), content loss ${content.start.toPrecision(4)} → ${content.end.toPrecision(4)}`,
  );
  line(io, `pictures written to ${files[2]} (with content.png, style.png, stylize.json)`);
  return 0;
}
