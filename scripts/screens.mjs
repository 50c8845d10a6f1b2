#!/usr/bin/env node
// npm run screens [-- --out=DIR] [-- --wait=SECONDS] [-- --query=EXTRA]
// Serves the app (light and dark) on loopback, opens it in headless Chromium with WebGPU at the sizes its users
// have (a laptop, a projector, a phone), presses Start (or lets autorun start it), waits for the
// first epoch-free seconds of training, and saves what is on screen, not the whole page: that is
// what a class sees. Prints, per size, whether the page scrolls sideways and which panels are in
// the viewport, so a layout change can be checked by eye and by number.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const out = value('out') ?? join(root, 'e2e', 'screenshots');
const waitSeconds = Number(value('wait') ?? 20);
const extra = value('query') ?? '';

const SIZES = [
  { name: 'laptop-1366x768', width: 1366, height: 768, query: '' },
  { name: 'laptop-1280x720', width: 1280, height: 720, query: '' },
  {
    name: 'projector-1024x768',
    width: 1024,
    height: 768,
    query: 'projector=1&hide=controls&autorun=1',
  },
  { name: 'phone-390x844', width: 390, height: 844, query: '', mobile: true },
  { name: 'dark-1366x768', width: 1366, height: 768, query: '', dark: true },
];

const log = (s) => process.stderr.write(`${s}\n`);
mkdirSync(out, { recursive: true });
const server = await createServer({
  root,
  logLevel: 'warn',
  server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
});
let browser;
let code = 0;
try {
  await server.listen();
  const base = server.resolvedUrls.local[0];
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: WEBGPU_ARGS,
  });
  // The first load may make Vite optimize dependencies and reload; let that happen once here.
  const warm = await browser.newPage();
  for (let i = 0; i < 3; i++) {
    await warm.goto(base);
    const ready = await warm
      .getByTestId('start')
      .waitFor({ timeout: 20_000 })
      .then(
        () => true,
        () => false,
      );
    if (ready) break;
  }
  await warm.close();
  for (const size of SIZES) {
    const context = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      deviceScaleFactor: 1,
      isMobile: size.mobile ?? false,
      hasTouch: size.mobile ?? false,
      colorScheme: size.dark ? 'dark' : 'light',
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    const query = [size.query, extra].filter(Boolean).join('&');
    await page.goto(`${base}?${query}`);
    if (!size.query.includes('autorun=1')) await page.getByTestId('start').click();
    await page.waitForTimeout(waitSeconds * 1000);
    const file = join(out, `${size.name}.png`);
    await page.screenshot({ path: file });
    const facts = await page.evaluate(() => {
      const inView = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight + 1 && r.top < innerHeight;
      };
      const panels = [...document.querySelectorAll('[data-panel]')];
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth,
        pageHeight: document.documentElement.scrollHeight,
        inView: panels.filter(inView).map((p) => p.getAttribute('data-panel')),
      };
    });
    log(
      `${size.name}: ${file}\n  sideways scroll: ${facts.scrollWidth > facts.innerWidth ? `YES (${facts.scrollWidth} > ${facts.innerWidth})` : 'no'}` +
        `; page height ${facts.pageHeight}px; panels in view: ${facts.inView.join(', ') || 'none'}`,
    );
    await context.close();
  }
} catch (e) {
  log(`screens failed: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  await browser?.close();
  await server.close();
}
process.exit(code);
