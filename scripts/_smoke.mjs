import { chromium } from '@playwright/test';
const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--enable-unsafe-webgpu',
  ],
});
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.exposeFunction('__experimentEvent', (e) => {
  if (e.type !== 'data') console.log(JSON.stringify(e).slice(0, 400));
});
await page.goto(url);
await page.waitForTimeout(Number(process.argv[3] ?? 60000));
await page.screenshot({ path: '/tmp/smoke.png', fullPage: true });
await browser.close();
