import { ConfigError } from '@runge/tensor-ops';
import { openRunDir, writeJson } from '../run-dir.js';
import { readRunConfig } from './run-config.js';
import { type CommandIo, runTraining } from './train.js';

/** `runge resume --run DIR [--epochs N]`: continues a run from its checkpoint. */
export async function resumeCommand(
  options: { run: string; epochs?: number; backend?: string },
  io: CommandIo,
): Promise<number> {
  const paths = await openRunDir(options.run);
  let config = await readRunConfig(paths, options.backend);
  if (options.epochs !== undefined) {
    if (options.epochs < config.train.epochs) {
      throw new ConfigError(
        `--epochs ${options.epochs} is below the run's ${config.train.epochs} epochs; give a larger total`,
      );
    }
    config = { ...config, train: { ...config.train, epochs: options.epochs } };
    await writeJson(paths.config, config);
  }
  return runTraining(config, paths, io, { resume: true });
}
