/** Launch options for Debian's Chromium with WebGPU (SwiftShader where there is no GPU). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const WEBGPU_ARGS = [...BASE_ARGS, '--enable-unsafe-webgpu'];
