// Proves a built package is importable by plain Node, with no bundler or loader flag, both as
// ESM (`import`) and from CommonJS (`require`). Run from a package's directory after its build.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const subpaths = Object.entries(pkg.exports ?? { '.': pkg.main })
  .filter(([key, target]) => target !== null && !key.includes('*') && !key.endsWith('.json'))
  .map(([key]) => key);

function countExports(kind, specifier) {
  const code =
    kind === 'import'
      ? `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`
      : `const m = require(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`;
  const args = kind === 'import' ? ['--input-type=module', '-e', code] : ['-e', code];
  const out = execFileSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Number(out.trim().split('\n').at(-1));
}

let failed = false;
for (const subpath of subpaths) {
  const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
  try {
    const esm = countExports('import', specifier);
    const cjs = countExports('require', specifier);
    if (subpath === '.' && esm === 0) throw new Error('the main entry exports nothing');
    if (esm !== cjs) throw new Error(`import sees ${esm} exports, require sees ${cjs}`);
    console.log(`${specifier}: ${esm} export(s) via import and require`);
  } catch (error) {
    failed = true;
    const detail = error.stderr
      ? String(error.stderr).trim().split('\n').slice(0, 6).join('\n')
      : error.message;
    console.error(`${specifier}: cannot be loaded by plain node:\n${detail}`);
  }
}
process.exit(failed ? 1 : 0);
