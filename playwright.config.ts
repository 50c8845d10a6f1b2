import { defineConfig } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH, WEBGPU_ARGS } from './scripts/chromium.mjs';

/** Overridable so two checkouts can run their browser tests side by side. */
const PORT = Number(process.env.E2E_PORT ?? 5199);
/** Where e2e/csp.spec.ts finds the production build. */
export const BUILT_PORT = Number(process.env.E2E_BUILT_PORT ?? 5299);

/**
 * Browser tests drive Debian's Chromium (never a downloaded one). "webgpu" runs with WebGPU
 * enabled (SwiftShader where there is no GPU); "no-webgpu" has no adapter, for the fallback.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 120_000 },
  workers: 1,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${PORT}`, viewport: { width: 1280, height: 900 } },
  webServer: [
    {
      command: `npx vite --port ${PORT} --strictPort`,
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // The built site, served as a static host would, with its Content-Security-Policy.
      command: `npx vite build --outDir dist-e2e --emptyOutDir --logLevel warn && npx vite preview --outDir dist-e2e --port ${BUILT_PORT} --strictPort`,
      url: `http://127.0.0.1:${BUILT_PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
    },
  ],
  projects: [
    {
      name: 'webgpu',
      testIgnore: /fallback\.spec\.ts/,
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS } },
    },
    {
      name: 'no-webgpu',
      testMatch: /fallback\.spec\.ts/,
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: BASE_ARGS } },
    },
  ],
});
