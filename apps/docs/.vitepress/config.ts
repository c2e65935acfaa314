import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';

const apiSidebarFile = fileURLToPath(
  new URL('../../../docs/api/typedoc-sidebar.json', import.meta.url),
);
const apiSidebar = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : [];

export default defineConfig({
  title: 'Runge',
  description: 'Deep learning as numerical analysis of differential equations, in TypeScript.',
  srcDir: '../../docs',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  markdown: { math: true },
  vite: {
    // The live page loads Runge in the browser only; the server render never runs it, so it
    // imports the packages' Node builds as they are instead of bundling them.
    ssr: {
      external: [
        '@runge/architectures',
        '@runge/datasets',
        '@runge/integrators',
        '@runge/tensor-ops',
        '@runge/train',
      ],
    },
    build: {
      rollupOptions: {
        // The run layer of @runge/train loads run-config files with c12, a Node-only library,
        // through a dynamic import that the live page never reaches: leave it out of the bundle.
        external: ['c12'],
      },
    },
  },
  themeConfig: {
    search: { provider: 'local' },
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Mathematics', link: '/math/' },
      { text: 'Play', link: '/play/' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/guide/': [
        {
          text: 'Guide',
          items: [
            { text: 'Getting started', link: '/guide/getting-started' },
            { text: 'Networks as ODEs', link: '/guide/networks-as-odes' },
            { text: 'Integrators and gradient modes', link: '/guide/integrators' },
            { text: 'Losses', link: '/guide/losses' },
            { text: 'Datasets', link: '/guide/datasets' },
            { text: 'Backends', link: '/guide/backends' },
            { text: 'Training from the command line', link: '/guide/cli' },
            { text: 'Stable architectures', link: '/guide/architectures' },
            { text: 'Multigrid: resolutions and depths', link: '/guide/multigrid' },
            { text: 'Stability of a trained network', link: '/guide/stability' },
            { text: 'Generative models', link: '/guide/generative-models' },
            { text: 'Second-order optimisers', link: '/guide/optimisers' },
            { text: 'Sequence models', link: '/guide/sequence-models' },
            { text: 'Applications', link: '/guide/applications' },
            { text: 'Benchmarks', link: '/guide/benchmarks' },
          ],
        },
      ],
      '/math/': [
        {
          text: 'Mathematics',
          items: [
            { text: 'Overview and notation', link: '/math/' },
            { text: 'Networks as differential equations', link: '/math/odes' },
            { text: 'Integrators and their gradients', link: '/math/integrators' },
            { text: 'Stability', link: '/math/stability' },
            { text: 'Convolutions as differential operators', link: '/math/convolutions' },
            { text: 'Multigrid', link: '/math/multigrid' },
            { text: 'Sequence models', link: '/math/sequences' },
            { text: 'Generative models', link: '/math/generative' },
            { text: 'Losses, regularisers and layers', link: '/math/losses' },
            { text: 'Optimisation', link: '/math/optimisation' },
            { text: 'Applications', link: '/math/applications' },
          ],
        },
      ],
      '/api/': [{ text: 'API reference', items: apiSidebar }],
    },
  },
});
