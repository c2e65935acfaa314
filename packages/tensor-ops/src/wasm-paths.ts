// Where TF.js's wasm backend fetches its binaries in a browser.
//
// Under Node the backend reads the binaries from its own package directory. In a page it fetches
// them by URL, by default from the page's directory, where a bundled app has no such files.
// Bundlers such as Vite and webpack 5 rewrite `new URL('<literal>', import.meta.url)` into the
// URL of an asset they emit, so the literals below make the binaries part of a bundled app with
// no configuration.
import { ValueError } from './errors.js';

/** The three builds of TF.js's wasm backend: plain, SIMD, and threaded SIMD. */
export type WasmBinaryName =
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Where the wasm backend fetches its binaries: a URL prefix (a directory ending in `/`, holding
 * the three files under their own names) or the URL of each binary.
 */
export type WasmPaths = string | Readonly<Record<WasmBinaryName, string>>;

/** The binaries' names, in the order TF.js tries them (threaded SIMD, SIMD, plain). */
export const WASM_BINARY_NAMES: readonly WasmBinaryName[] = [
  'tfjs-backend-wasm-threaded-simd.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm.wasm',
];

/**
 * Checks a `wasmPaths` option: a non-empty string, or an object with a non-empty string for each
 * of the three binaries.
 *
 * @param value - The option as given.
 * @param name - The option's name in messages.
 * @returns The value, typed.
 * @throws {@link ValueError} naming what is missing or malformed.
 */
export function assertWasmPaths(value: unknown, name = 'wasmPaths'): WasmPaths {
  if (typeof value === 'string') {
    if (value.length > 0) return value;
    throw new ValueError(
      `${name}: expected a URL prefix such as '/assets/' or a map of the three .wasm files, got an empty string`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(
      `${name}: expected a URL prefix (string) or an object mapping ${WASM_BINARY_NAMES.join(', ')} to URLs, got ${Array.isArray(value) ? 'an array' : String(value)}`,
    );
  }
  const map = value as Record<string, unknown>;
  const missing = WASM_BINARY_NAMES.filter((file) => {
    const url = map[file];
    return typeof url !== 'string' || url.length === 0;
  });
  if (missing.length > 0) {
    throw new ValueError(
      `${name}: the map has no URL for ${missing.join(', ')}; give a URL for each of the three binaries, or a prefix string for a directory holding all three`,
    );
  }
  return value as Readonly<Record<WasmBinaryName, string>>;
}

/**
 * The URLs a bundler gave the wasm binaries it emitted for this module, or `null` when this code
 * was not bundled, or was bundled by a tool that took the package names for relative paths (a
 * dev server pre-bundling dependencies): the URLs then point into this package's own directory,
 * where no binaries are, rather than to an emitted asset or into `node_modules`.
 *
 * @returns The map of each binary to its emitted URL, or `null`.
 */
export function bundledWasmPaths(): Readonly<Record<WasmBinaryName, string>> | null {
  const paths: Record<WasmBinaryName, string> = {
    'tfjs-backend-wasm.wasm': new URL(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      import.meta.url,
    ).href,
    'tfjs-backend-wasm-simd.wasm': new URL(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      import.meta.url,
    ).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
      import.meta.url,
    ).href,
  };
  return WASM_BINARY_NAMES.every((file) => isBinaryUrl(paths[file])) ? paths : null;
}

/**
 * Whether a URL produced from a literal above can hold the binary: an emitted asset (renamed by
 * the bundler) or the file inside an installed `@tensorflow/tfjs-backend-wasm`.
 *
 * @param url - A URL from {@link bundledWasmPaths}' literals.
 * @returns False when the package path was resolved against a directory other than
 *   `node_modules`.
 */
export function isBinaryUrl(url: string): boolean {
  const packagePath = '/@tensorflow/tfjs-backend-wasm/dist/';
  return !url.includes(packagePath) || url.includes(`/node_modules${packagePath}`);
}
