// Builds the page with Vite, serves it on 127.0.0.1 and runs it in Debian's headless Chromium:
// Runge's packages must bundle for browsers, start TF.js's wasm backend there, differentiate
// correctly and train a small ODE classifier without leaking tensors.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { type PageOutcome, RESULT_KEY } from '../src/result.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** How long the page may take to train (it needs a few seconds; CI machines are slow). */
const PAGE_TIMEOUT_MS = 180_000;

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** Serves the files under `root`, nothing outside it. */
async function serveFile(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
  const file = resolve(
    root,
    `.${decodeURIComponent(pathname)}`,
    pathname.endsWith('/') ? 'index.html' : '',
  );
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(body);
  } catch {
    console.error(`[server] 404 ${pathname}`);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

async function startServer(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    serveFile(root, req, res).catch((error: unknown) => {
      console.error(`[server] ${String(error)}`);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** Bundles the page (index.html and src/) with Vite into `outDir`. */
async function buildPage(outDir: string): Promise<void> {
  const started = performance.now();
  await build({
    root: APP_DIR,
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false },
  });
  console.log(`vite build: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

describe('Runge in headless Chromium', () => {
  let outDir = '';
  let server: Server | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it(
    'selects wasm, matches finite differences and trains a spiral classifier without leaks',
    async () => {
      // Fail, never skip, where the browser is missing: the test is part of every CI run.
      if (!existsSync(CHROMIUM)) {
        throw new Error(
          `no Chromium at ${CHROMIUM}: install Debian's package with 'apt-get install -y chromium' (or set CHROMIUM_PATH to a Chromium executable)`,
        );
      }
      outDir = await mkdtemp(join(tmpdir(), 'runge-browser-test-'));
      await buildPage(outDir);
      const started = await startServer(outDir);
      server = started.server;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });

      const page = await browser.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          console.error(`[page ${message.type()}] ${message.text()}`);
        }
      });
      page.on('pageerror', (error) =>
        console.error(`[page error] ${error.stack ?? error.message}`),
      );
      page.on('requestfailed', (request) =>
        console.error(`[page request failed] ${request.url()}: ${request.failure()?.errorText}`),
      );
      await page.goto(started.url);
      const handle = await page.waitForFunction(
        (key: string) => (globalThis as unknown as Record<string, unknown>)[key],
        RESULT_KEY,
        { timeout: PAGE_TIMEOUT_MS, polling: 250 },
      );
      const outcome = (await handle.jsonValue()) as PageOutcome;
      await page.close();
      if (!outcome.ok) throw new Error(`the page failed: ${outcome.error}`);
      const result = outcome.result;
      console.log(`page: ${JSON.stringify(result)}`);

      expect(result.backend).toBe('wasm');
      // The conv gradient (Runge's wasm backprop kernels) against central differences, float32.
      expect(result.gradEntries).toBe(1 * 5 * 5 * 2 + 3 * 3 * 2 * 3);
      expect(result.gradError).toBeLessThan(1e-2);
      // Two interleaved spirals are not linearly separable (a linear model stays below 80 %).
      expect(result.lastLoss).toBeLessThan(result.firstLoss);
      expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(result.leaked).toBe(0);
    },
    PAGE_TIMEOUT_MS + 60_000,
  );
});
