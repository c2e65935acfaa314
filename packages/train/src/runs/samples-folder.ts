// The folder of picture grids in a run directory (`samples/`), and the per-epoch file names written there.
import { nodeFs } from './node-fs.js';

/** A run directory's `samples/` folder. */
export interface SamplesFolder {
  /** The folder's path. */
  readonly folder: string;
  /** The path of file `name` in the folder. */
  join(name: string): string;
  /** The path of epoch `epoch`'s picture (0-based): `<prefix>-epoch-<epoch + 1, three digits>.png`. */
  epochFile(prefix: string, epoch: number): string;
}

/**
 * Creates (if missing) the `samples/` folder of run directory `dir`, where generative tasks write
 * their PNG grids.
 *
 * @param dir - The run directory.
 * @param purpose - What is written, for the message when Node's file system is missing.
 * @returns The folder and its file names.
 * @example
 * ```ts
 * const samples = await samplesFolder(run.dir, 'writing samples');
 * samples.epochFile('samples', 0); // <run>/samples/samples-epoch-001.png
 * ```
 */
export async function samplesFolder(dir: string, purpose: string): Promise<SamplesFolder> {
  const { fs, path } = nodeFs(purpose);
  const folder = path.join(dir, 'samples');
  await fs.mkdir(folder, { recursive: true });
  const join = (name: string): string => path.join(folder, name);
  return {
    folder,
    join,
    epochFile: (prefix, epoch) => join(`${prefix}-epoch-${String(epoch + 1).padStart(3, '0')}.png`),
  };
}
