/**
 * Machine-readable error codes carried by every {@link RungeError}.
 *
 * - `E_SHAPE`: a tensor has the wrong rank or shape.
 * - `E_DTYPE`: a tensor has the wrong dtype.
 * - `E_VALUE`: an option or argument has an invalid value.
 * - `E_STRUCTURE`: two parameter trees do not have the same structure.
 * - `E_BACKEND`: a requested TF.js backend is not installed or failed to start.
 * - `E_GRADIENTS`: TF.js gradients are not registered.
 * - `E_NUMERIC`: a computation produced NaN/Inf, diverged, or a step size underflowed.
 * - `E_DATA`: a data file is missing, truncated or malformed.
 * - `E_CONFIG`: a configuration file or object is invalid.
 * - `E_STATE`: an object was used in a state that does not allow the call (e.g. after dispose).
 * - `E_FILE`: a file or folder cannot be written or created (permissions, a full disk, a read-only
 *   file system, a file where a folder should be).
 */
export type RungeErrorCode =
  | 'E_SHAPE'
  | 'E_DTYPE'
  | 'E_VALUE'
  | 'E_STRUCTURE'
  | 'E_BACKEND'
  | 'E_GRADIENTS'
  | 'E_NUMERIC'
  | 'E_DATA'
  | 'E_CONFIG'
  | 'E_STATE'
  | 'E_FILE';

/**
 * Base class of every error Runge throws on purpose. The message says what was wrong, what was
 * expected and what to do; `code` lets programs branch without parsing the message.
 *
 * @example
 * ```ts
 * try {
 *   assertRank(x, 4, 'images');
 * } catch (e) {
 *   if (e instanceof RungeError && e.code === 'E_SHAPE') console.error(e.message);
 * }
 * ```
 */
export class RungeError extends Error {
  /** Machine-readable category of the error. */
  readonly code: RungeErrorCode;

  /**
   * @param code - The error category.
   * @param message - What was wrong, what was expected, what to do.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(code: RungeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A tensor argument has the wrong rank or shape.
 *
 * @example
 * ```ts
 * throw new ShapeError('kernel: expected shape [3, 3, *, *], got [5, 5, 1, 1]');
 * ```
 */
export class ShapeError extends RungeError {
  /** @param message - Names the argument, the expected and the actual shape. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SHAPE', message, options);
  }
}

/**
 * A tensor argument has the wrong dtype.
 *
 * @example
 * ```ts
 * throw new DTypeError("labels: expected dtype 'int32', got 'float32'");
 * ```
 */
export class DTypeError extends RungeError {
  /** @param message - Names the argument, the expected and the actual dtype. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DTYPE', message, options);
  }
}

/**
 * An option or argument has an invalid value (out of range, unknown name, not finite).
 *
 * @example
 * ```ts
 * throw new ValueError("method: unknown 'rk5'; expected one of 'euler', 'midpoint', 'heun', 'rk4', 'dopri5'");
 * ```
 */
export class ValueError extends RungeError {
  /** @param message - Names the argument, the allowed values and the value given. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_VALUE', message, options);
  }
}

/**
 * Two trees of tensors that must share a structure (same keys, same list lengths) do not.
 *
 * @example
 * ```ts
 * throw new StructureError("grads: key 'b' missing at params.blocks.0");
 * ```
 */
export class StructureError extends RungeError {
  /** @param message - Names the path where the trees differ. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_STRUCTURE', message, options);
  }
}

/**
 * A TF.js backend could not be selected: not installed, or it failed to start.
 *
 * @example
 * ```ts
 * throw new BackendError("backend 'tensorflow' needs @tensorflow/tfjs-node: npm install @tensorflow/tfjs-node");
 * ```
 */
export class BackendError extends RungeError {
  /** @param message - Which backend, why it failed, how to install or what to choose instead. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_BACKEND', message, options);
  }
}

/**
 * TF.js gradients are not registered, so `tf.grad` would fail on the first op.
 *
 * @example
 * ```ts
 * import '@runge/tensor-ops/register'; // registers them
 * ```
 */
export class GradientsError extends RungeError {
  /** @param message - What is missing and how to register gradients. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_GRADIENTS', message, options);
  }
}

/**
 * A computation produced NaN or Inf, diverged, or an adaptive step size underflowed.
 *
 * @example
 * ```ts
 * throw new NumericalError('dopri5: step size 1e-12 below dtMin 1e-10 at t = 0.31');
 * ```
 */
export class NumericalError extends RungeError {
  /** @param message - What went wrong numerically, where, and what to try. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_NUMERIC', message, options);
  }
}

/**
 * A data file is missing, truncated or malformed; nothing is partially returned.
 *
 * @example
 * ```ts
 * throw new DataError('train-images-idx3-ubyte: magic number 2049, expected 2051 (an image file)');
 * ```
 */
export class DataError extends RungeError {
  /** @param message - Names the file and what was wrong with it. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DATA', message, options);
  }
}

/**
 * A configuration (file or object) is invalid.
 *
 * @example
 * ```ts
 * throw new ConfigError("run.json: 'epochs' must be a positive integer, got -1");
 * ```
 */
export class ConfigError extends RungeError {
  /** @param message - Names the key, the allowed values and the value given. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CONFIG', message, options);
  }
}

/**
 * An object was used in a state that does not allow the call (for example after `dispose()`).
 *
 * @example
 * ```ts
 * throw new StateError('optimizer was disposed; create a new one');
 * ```
 */
export class StateError extends RungeError {
  /** @param message - The state and what to do instead. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_STATE', message, options);
  }
}

/** What the system's error codes mean for someone writing files, and what to do. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device; free some space or write elsewhere',
  EDQUOT: 'the disk quota is exhausted; free some space or write elsewhere',
  EACCES: 'permission denied; choose a folder you can write to, or change its permissions',
  EPERM: 'operation not permitted; choose a folder you can write to, or change its permissions',
  EROFS: 'the file system is read-only; choose a folder on a writable one',
  ENOTDIR: 'a part of the path is a file, not a folder; choose another path',
  EEXIST: 'a file with that name is in the way; remove it or choose another path',
  EISDIR: 'a folder is where the file should go; remove it or choose another path',
  ENOENT: 'a folder on the path does not exist and cannot be created; check the path',
  EMFILE: 'too many open files; close other programs or raise the limit',
};

/**
 * A file or folder cannot be written or created. The message names the path, says what the
 * system reported in plain words, and what to do; `cause` holds the system error.
 *
 * @example
 * ```ts
 * throw FileError.from(error, 'runs/w1/checkpoint.ckpt', 'cannot write');
 * ```
 */
export class FileError extends RungeError {
  /** The system's error code (`ENOSPC`, `EACCES`, …), when there was one. */
  readonly systemCode: string | undefined;

  /** @param message - Names the path, what failed and what to do. */
  constructor(message: string, options?: { cause?: unknown; systemCode?: string }) {
    super('E_FILE', message, options);
    this.systemCode = options?.systemCode;
  }

  /**
   * Wraps a system error (from `fs`) as a FileError that names the path and what to do.
   *
   * @param error - The caught error.
   * @param path - The file or folder concerned.
   * @param action - What was attempted, e.g. `'cannot write'`, `'cannot create the folder'`.
   * @returns The error to throw (a FileError given is returned unchanged).
   */
  static from(error: unknown, path: string, action: string): FileError {
    if (error instanceof FileError) return error;
    const code = (error as { code?: string }).code;
    const meaning =
      (code && FILE_ERRORS[code]) ?? (error instanceof Error ? error.message : String(error));
    return new FileError(`${action} ${path}: ${meaning}${code ? ` (${code})` : ''}`, {
      cause: error,
      ...(code ? { systemCode: code } : {}),
    });
  }
}
