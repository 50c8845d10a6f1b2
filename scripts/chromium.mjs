// Launch settings for Debian's Chromium, shared by the browser tests and `npm run experiment`.
// The flags keep Chromium off the network; --enable-unsafe-webgpu gives WebGPU (SwiftShader
// where the machine has no GPU). Tests never download a browser.

/** Path of the system Chromium (`CHROMIUM_PATH` overrides it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a browser with no WebGPU adapter (used to test the fallback). */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Flags for a browser with WebGPU. */
export const WEBGPU_ARGS = [...BASE_ARGS, '--enable-unsafe-webgpu'];
