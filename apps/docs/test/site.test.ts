// Serves the built site (`.vitepress/dist`, from `pnpm docs:build`) on 127.0.0.1 and checks it the
// way a reader meets it: every page in Debian's headless Chromium, every internal link by a crawl.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinkChecker, type LinkResult } from 'linkinator';
import { type Browser, type ConsoleMessage, chromium, type Page } from 'playwright-core';
import sirv from 'sirv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = fileURLToPath(new URL('../.vitepress/dist/', import.meta.url));
const SOURCES = join(ROOT, 'docs');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Pages opened in the browser at once (CI has two cores). */
const TABS = 3;
/**
 * How long loading every page, or crawling their links, may take before the test gives up: the
 * site loads in well under a minute, but `pnpm check` runs every package's tests at once on two
 * cores. A limit, not a speed requirement.
 */
const LIMIT_MS = 600_000;

/** The route of a Markdown page under `docs/` with VitePress's clean URLs. */
function route(dir: string, file: string): string {
  return file === 'index.md' ? `/${dir}/` : `/${dir}/${file.replace(/\.md$/, '')}`;
}

function markdownPages(dir: string): string[] {
  return readdirSync(join(SOURCES, dir))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => route(dir, f));
}

/** The API reference's page of every library package, named as typedoc names it. */
function apiPages(): string[] {
  const packages = join(ROOT, 'packages');
  return readdirSync(packages)
    .filter((d) => existsSync(join(packages, d, 'package.json')))
    .sort()
    .map((d) => {
      const { name } = JSON.parse(readFileSync(join(packages, d, 'package.json'), 'utf8')) as {
        name: string;
      };
      return `/api/${name}/`;
    });
}

const GUIDES = markdownPages('guide');
const MATHS = markdownPages('math');
const API = apiPages();
/**
 * Pages whose prose may hold TeX: every dollar sign or backslash command must have rendered. The
 * live page is opened here like the others; play-page.test.ts trains on it.
 */
const PROSE = ['/', '/play/', ...GUIDES, ...MATHS];
const PAGES = [...PROSE, ...API];

/** What a reader's browser reports while one page loads. */
interface PageReport {
  readonly url: string;
  readonly status: number | undefined;
  readonly problems: string[];
  readonly title: string;
  readonly headings: number;
  readonly formulas: number;
  readonly renderedFormulas: number;
  readonly formulaErrors: string[];
  readonly rawTex: string[];
  readonly sidebar: string[];
}

async function startServer(): Promise<{ server: Server; origin: string }> {
  const serve = sirv(DIST, { extensions: ['html'], etag: false });
  const server = createServer((req, res) => {
    serve(req, res, () => {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain');
      res.end('not found');
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

async function visit(page: Page, origin: string, path: string): Promise<PageReport> {
  const problems: string[] = [];
  const onConsole = (message: ConsoleMessage): void => {
    if (message.type() === 'error') {
      problems.push(`console error: ${message.text()} (${message.location().url})`);
    }
  };
  const onPageError = (error: Error): void => {
    problems.push(`uncaught: ${error.message}`);
  };
  const onFailed = (request: { url(): string; failure(): { errorText: string } | null }): void => {
    const error = request.failure()?.errorText ?? '';
    // A request the page cancels itself (VitePress prefetches the pages linked from the one in
    // view, and drops them when it moves on) is no fault; a missing file answers 404 below.
    if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} (${error})`);
  };
  const onResponse = (response: { url(): string; status(): number }): void => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('requestfailed', onFailed);
  page.on('response', onResponse);
  try {
    // networkidle: the page's chunk has loaded and Vue has hydrated the server-rendered HTML
    // (a hydration mismatch is a console error).
    const response = await page.goto(origin + path, { waitUntil: 'networkidle' });
    const seen = await page.evaluate(() => {
      // The home page's content is its hero and features; every other page's is .vp-doc.
      const content = document.querySelector('.VPHome') ?? document.querySelector('.vp-doc');
      const containers = [...document.querySelectorAll('mjx-container')];
      const rendered = containers.filter((c) => {
        const svg = c.querySelector('svg');
        if (!svg) return false;
        const box = svg.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
      });
      // MathJax marks TeX it cannot parse as merror, and an unknown macro as red text.
      const broken = document.querySelectorAll(
        '[data-mml-node="merror"], [data-mjx-error], mjx-assistive-mml mtext[mathcolor="red"]',
      );
      const errors = [
        ...new Set(
          [...broken].map((e) => {
            const math = e.closest('mjx-container')?.querySelector('mjx-assistive-mml');
            return (math?.textContent ?? e.textContent ?? '').trim();
          }),
        ),
      ];
      // Prose outside code and formulas: TeX left there did not render.
      let prose = '';
      if (content) {
        const copy = content.cloneNode(true) as Element;
        for (const e of copy.querySelectorAll('pre, code, mjx-container')) e.remove();
        prose = copy.textContent ?? '';
      }
      return {
        title: document.title,
        headings: content ? content.querySelectorAll('h1, h2, .name').length : 0,
        formulas: containers.length,
        rendered: rendered.length,
        errors,
        rawTex: [...prose.matchAll(/\$[^$\n]{0,40}|\\[A-Za-z]+/g)].map((m) => m[0]),
        sidebar: [...document.querySelectorAll('.VPSidebar a[href]')].map(
          (a) => new URL((a as HTMLAnchorElement).href).pathname,
        ),
      };
    });
    return {
      url: path,
      status: response?.status(),
      problems,
      title: seen.title,
      headings: seen.headings,
      formulas: seen.formulas,
      renderedFormulas: seen.rendered,
      formulaErrors: seen.errors,
      rawTex: seen.rawTex,
      sidebar: seen.sidebar,
    };
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('requestfailed', onFailed);
    page.off('response', onResponse);
  }
}

/** Fails, never skips, where the site or the browser is missing: these checks run on every CI run. */
function requireSiteAndBrowser(): void {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(
      `no built site at ${DIST}: build it first with 'pnpm docs:build' (pnpm check and turbo's test task do so)`,
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package with 'apt-get install -y chromium' (or set CHROMIUM_PATH to a Chromium executable)`,
    );
  }
}

describe('the documentation site', () => {
  let server: Server | undefined;
  let origin = '';
  let browser: Browser | undefined;
  const reports = new Map<string, PageReport>();

  beforeAll(async () => {
    ({ server, origin } = await startServer());
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });

  // The pages are loaded here, three at a time; the tests below read what the browser saw.
  it('opens every page in headless Chromium', { timeout: LIMIT_MS }, async () => {
    requireSiteAndBrowser();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext();
    context.setDefaultTimeout(120_000);
    const queue = [...PAGES];
    await Promise.all(
      Array.from({ length: TABS }, async () => {
        const page = await context.newPage();
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
          reports.set(path, await visit(page, origin, path));
        }
        await page.close();
      }),
    );
    expect([...reports.keys()].sort()).toEqual([...PAGES].sort());
  });

  it('has the pages it is checked on: guides, maths and one API page per package', () => {
    expect(GUIDES.length).toBeGreaterThan(0);
    expect(MATHS.length).toBeGreaterThan(0);
    expect(API.length).toBeGreaterThan(0);
  });

  it.each(PAGES)('%s renders without errors', (path) => {
    const report = reports.get(path);
    expect(report, `${path} was not opened (see the first test)`).toBeDefined();
    if (!report) return;
    expect(report.status, `${path}: HTTP status`).toBe(200);
    expect(report.problems, `${path}: what the browser reported`).toEqual([]);
    expect(report.title).not.toMatch(/^404/);
    expect(report.headings, `${path}: headings in the content`).toBeGreaterThan(0);
    expect(report.formulaErrors, `${path}: formulas MathJax could not typeset`).toEqual([]);
    expect(report.renderedFormulas, `${path}: formulas drawn with a size`).toBe(report.formulas);
    if (PROSE.includes(path)) {
      expect(report.rawTex, `${path}: TeX outside formulas`).toEqual([]);
    }
  });

  it.each(MATHS)('%s typesets its formulas', (path) => {
    expect(reports.get(path)?.renderedFormulas ?? 0).toBeGreaterThan(0);
  });

  it.each([...GUIDES, ...MATHS])('%s is listed in its section’s sidebar', (path) => {
    expect(reports.get(path)?.sidebar ?? []).toContain(path);
  });

  it('links every package’s API page from the API index, and finds the API by local search', {
    timeout: LIMIT_MS,
  }, async () => {
    requireSiteAndBrowser();
    expect(browser, 'the browser was not started (see the first test)').toBeDefined();
    if (!browser) return;
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/api/`, { waitUntil: 'networkidle' });
      const linked = await page.evaluate(() =>
        [...document.querySelectorAll('.vp-doc a[href]')].map(
          (a) => new URL((a as HTMLAnchorElement).href).pathname,
        ),
      );
      for (const api of API) expect(linked).toContain(api);

      // VitePress's local search: the search box lists the function's API page
      await page.locator('.VPNavBarSearch button').click();
      await page.locator('#localsearch-input').fill('analyseStability');
      const hit = page.locator('.VPLocalSearchBox a[href*="analyseStability"]').first();
      await hit.waitFor({ state: 'visible', timeout: 60_000 });
      expect(await hit.getAttribute('href')).toContain('/api/@runge/architectures/');
    } finally {
      await page.close();
    }
  });

  it('has no broken internal link or anchor on those pages', { timeout: LIMIT_MS }, async () => {
    requireSiteAndBrowser();
    const checker = new LinkChecker();
    const result = await checker.check({
      path: PAGES.map((p) => origin + p),
      recurse: false,
      checkFragments: true,
      // Resolve relative links as VitePress's clean URLs do: ./cli on /guide/stability is /guide/cli.
      cleanUrls: true,
      concurrency: 8,
      timeout: 60_000,
      linksToSkip: async (link) => !link.startsWith(origin),
    });
    const broken = result.links
      .filter((l: LinkResult) => l.state === 'BROKEN')
      .map((l: LinkResult) => {
        // linkinator reports a missing anchor on a page that loads as BROKEN with status 200.
        const why = l.status === 200 ? 'no such anchor' : `HTTP ${l.status ?? 'error'}`;
        const where = l.parent ? ` on ${l.parent.replace(origin, '')}` : '';
        return `${l.url.replace(origin, '')} (${why})${where}`;
      });
    expect([...new Set(broken)]).toEqual([]);
    const checked = result.links.filter((l: LinkResult) => l.state === 'OK').length;
    expect(checked).toBeGreaterThan(PAGES.length);
  });
});
