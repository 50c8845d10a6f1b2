import { defineConfig } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH, WEBGPU_ARGS } from './scripts/chromium.mjs';

const PORT = 5199;

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
  webServer: {
    command: `npx vite --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
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
