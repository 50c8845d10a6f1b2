import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `base: './'` makes the built site work from any sub-path (a project page on a static host).
export default defineConfig({
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  // recharts makes the one app chunk ~180 kB gzipped; that is fine for this app.
  build: { target: 'es2022', chunkSizeWarningLimit: 800 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
