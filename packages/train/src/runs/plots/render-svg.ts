// Renders a Vega-Lite spec to SVG without a DOM or canvas (vega is loaded on first use).
import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to an SVG string, in Node or a browser (no DOM or canvas needed).
 *
 * @param spec - A Vega-Lite spec with its data inline.
 * @returns The SVG document.
 * @example
 * ```ts
 * await writeFile('loss.svg', await renderSvg(lineChartSpec({ … })));
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
