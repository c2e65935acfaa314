// Builds the native kernels with node-gyp against the headers of the running Node, at install.
// A failed or skipped build never fails the install: the package then reports "not built" and
// the other backends work as before. Set RUNGE_NATIVE_SKIP_BUILD=1 to skip it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const how =
  'build it later with `pnpm --filter @runge/native build:native` (needs g++ or clang, make and python3)';

function skip(reason) {
  process.stderr.write(`@runge/native: native kernels not built: ${reason}; ${how}\n`);
  process.exit(0);
}

if (process.env.RUNGE_NATIVE_SKIP_BUILD === '1') skip('RUNGE_NATIVE_SKIP_BUILD=1');

let gyp;
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  skip('node-gyp is not installed');
}

// Node's own headers (an official or distribution install ships include/node); node-gyp would
// otherwise download them, which this build never does.
const prefix = join(dirname(process.execPath), '..');
const args = [gyp, 'rebuild', '--release', '-j', 'max'];
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
} else if (process.env.npm_config_nodedir === undefined) {
  skip(
    `Node's headers were not found under ${join(prefix, 'include', 'node')} (set npm_config_nodedir)`,
  );
}

const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  skip(
    `node-gyp exited with ${result.status ?? result.signal}${result.error ? ` (${result.error.message})` : ''}`,
  );
}
process.stderr.write('@runge/native: native kernels built (build/Release/runge_native.node)\n');
