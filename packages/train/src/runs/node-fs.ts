// Node's file system for the run layer, reached without an import so that browser bundles of @runge/train stay free of Node built-ins.
import { StateError } from '@runge/tensor-ops';

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');
type Os = typeof import('node:os');

/** Node's `fs/promises`, `path` and `os`, or a clear error where they do not exist (browsers). */
export function nodeFs(what: string): { fs: Fs; path: Path; os: Os } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (!get) {
    throw new StateError(
      `${what} needs Node's file system; in a browser run training without a run directory (no 'dir' option)`,
    );
  }
  return { fs: get('fs/promises') as Fs, path: get('path') as Path, os: get('os') as Os };
}
