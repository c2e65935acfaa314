// The live page in headless Chromium: /play/ of the built site loads Runge on wasm, trains the
// default network when Train is pressed, shows a test accuracy above 90 % within a minute, and
// draws its plots (non-blank canvases, loss curves with a point per epoch).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import sirv from 'sirv';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAY_SETTINGS } from '../play/play-trainer.js';

const DIST = fileURLToPath(new URL('../.vitepress/dist/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** What the page promises a reader: the default network trained to > 90 % within a minute. */
const TRAIN_LIMIT_MS = 60_000;

describe('the live page /play/', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });

  it('trains the default network to more than 90 % test accuracy and draws its plots', {
    timeout: 300_000,
  }, async () => {
    // Fail, never skip, where the site or the browser is missing.
    if (!existsSync(join(DIST, 'play', 'index.html'))) {
      throw new Error(`no built live page in ${DIST}: build the site first with 'pnpm docs:build'`);
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's package with 'apt-get install -y chromium' (or set CHROMIUM_PATH to a Chromium executable)`,
      );
    }
    const serve = sirv(DIST, { extensions: ['html'], etag: false });
    server = createServer((req, res) => {
      serve(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      });
    });
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });

    await page.goto(`http://127.0.0.1:${port}/play/`, { waitUntil: 'networkidle' });
    const train = page.locator('[data-play="train"]');
    // the button appears once Runge and the wasm binaries (served by the site) have loaded
    await train.waitFor({ state: 'visible', timeout: 120_000 });
    expect(await page.locator('.play-status').textContent()).toContain('backend: wasm');
    // the page's defaults are the trainer's, which the Node suite checks
    expect(await page.locator('[data-play="block"]').inputValue()).toBe(
      DEFAULT_PLAY_SETTINGS.block,
    );
    expect(await page.locator('[data-play="data"]').inputValue()).toBe(DEFAULT_PLAY_SETTINGS.data);

    await train.click();
    await page.waitForFunction(
      (epochs) =>
        document.querySelector('.play-status')?.textContent?.includes(`trained ${epochs} epochs`),
      DEFAULT_PLAY_SETTINGS.epochs,
      { timeout: TRAIN_LIMIT_MS, polling: 250 },
    );
    const text = (await page.locator('[data-play="accuracy"]').textContent()) ?? '';
    const match = text.match(/test accuracy (\d+\.\d)%/);
    expect(match, `accuracy text: '${text}'`).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThan(90);

    // the plots: canvases drawn with many colours (regions, points, axes, region boundary), and
    // the loss curves with one vertex per epoch
    const plots = await page.evaluate(() => {
      const colours = (selector: string): number => {
        const canvas = document.querySelector(selector) as HTMLCanvasElement | null;
        const ctx = canvas?.getContext('2d');
        if (!canvas || !ctx) return 0;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const seen = new Set<number>();
        for (let i = 0; i < data.length; i += 4) {
          seen.add(
            ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number),
          );
        }
        return seen.size;
      };
      const paths = [...document.querySelectorAll('[data-play="loss"] path')].map(
        (p) => (p.getAttribute('d')?.match(/[ML]/g) ?? []).length,
      );
      return {
        decision: colours('[data-play="decision"]'),
        spectrum: colours('[data-play="spectrum"]'),
        paths,
      };
    });
    expect(plots.decision).toBeGreaterThan(20);
    expect(plots.spectrum).toBeGreaterThan(5);
    expect(plots.paths).toEqual([DEFAULT_PLAY_SETTINGS.epochs, DEFAULT_PLAY_SETTINGS.epochs]);

    // what a reader sees: the screenshot of the plots is not one flat colour
    const shot = await page.locator('.play-plots').screenshot({ type: 'png' });
    expect(shot.subarray(1, 4).toString('latin1')).toBe('PNG');
    const distinct = await page.evaluate(async (b64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${b64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const ctx = canvas.getContext('2d');
      if (!ctx) return 0;
      ctx.drawImage(image, 0, 0);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        seen.add(
          ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number),
        );
      }
      return seen.size;
    }, shot.toString('base64'));
    expect(distinct).toBeGreaterThan(50);

    // after training: the same weights with 4× the steps
    await page.locator('[data-play="evaluate"]').click();
    await page.waitForFunction(() =>
      document.querySelector('.play-status')?.textContent?.includes('with N = 32'),
    );
    expect(problems).toEqual([]);
  });
});
