// Scaffolds a library package with the layout every Runge package shares.
// Usage: node scripts/new-package.mjs <name> "<description>" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: node scripts/new-package.mjs <name> "<description>" [dep ...]');
  process.exit(2);
}
const dir = join('packages', name);
if (existsSync(dir)) {
  console.error(`${dir} exists already`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name: `@runge/${name}`,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
    './internal/*': null,
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'src', '!**/*.test.ts', '!**/*.tsbuildinfo'],
  engines: { node: '>=20.19.0' },
  scripts: {
    build: 'tsc -b',
    typecheck: 'tsc -p tsconfig.test.json',
    lint: 'publint --strict && attw --pack . --profile esm-only --quiet',
    test: 'vitest run',
  },
  dependencies: Object.fromEntries(deps.map((d) => [`@runge/${d}`, 'workspace:^'])),
  peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
  devDependencies: { '@tensorflow/tfjs-core': '4.22.0' },
  publishConfig: { access: 'public', provenance: true },
  repository: { type: 'git', url: 'git+https://github.com/runge-js/runge.git', directory: dir },
  keywords: ['deep-learning', 'ode', 'numerical-analysis', 'tensorflow', 'runge'],
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(dir, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['src'],
      exclude: ['src/**/*.test.ts'],
      references: deps.map((d) => ({ path: `../${d}` })),
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(dir, 'tsconfig.test.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        noEmit: true,
        composite: false,
        declaration: false,
        declarationMap: false,
      },
      include: ['src', 'test'],
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(dir, 'vitest.config.ts'),
  `import { runPackageTests } from '../../vitest.shared.js';\n\nexport default runPackageTests();\n`,
);
writeFileSync(join(dir, 'src', 'index.ts'), `// Public API of @runge/${name}.\nexport {};\n`);
writeFileSync(join(dir, 'README.md'), `# @runge/${name}\n\n${description}\n`);
console.log(`created ${dir}`);
