import { createHash } from 'node:crypto';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { appStamp } from './scripts/appStamp.mjs';

type Policy = Record<string, readonly string[]>;

/**
 * The built site's Content-Security-Policy, directive by directive: scripts only from the
 * site itself (no inline script, no eval), data only from the site. Every policy below is
 * derived from this one, so the meta tag, the servers' headers and `_headers` cannot drift.
 */
const POLICY: Policy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
};

const serialize = (policy: Policy): string =>
  Object.entries(policy)
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');

/** Headers only: a `<meta>` policy ignores `frame-ancestors`, so framing needs the header. */
const NO_FRAMING: Policy = { 'frame-ancestors': ["'none'"] };

/**
 * The policy the built page carries as a `<meta>` tag: it protects the page even on a host
 * that sends no headers, but it does not reach the worker (a worker's policy comes from its
 * own response) and cannot forbid framing.
 */
export const CSP = serialize(POLICY);

/**
 * What a host should send with every response of the built site (the page and the worker
 * script alike); `vite preview` sends it and the build writes it to `dist/_headers`.
 * `X-Frame-Options` is for browsers that predate `frame-ancestors`.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': serialize({ ...POLICY, ...NO_FRAMING }),
  'X-Frame-Options': 'DENY',
};

const scriptHash = (code: string): string =>
  `'sha256-${createHash('sha256').update(code).digest('base64')}'`;

/** The dev page's only inline script: the React refresh preamble (dev `base` is always `/`). */
const DEV_INLINE_SCRIPT_HASHES = [scriptHash(react.preambleCode.replace('__BASE__', '/'))];

/**
 * The dev server's headers: the built site's, except that scripts may also be the refresh
 * preamble, allowed by its hash (still no other inline script, no eval).
 */
export const DEV_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': serialize({
    ...POLICY,
    'script-src': [...POLICY['script-src'], ...DEV_INLINE_SCRIPT_HASHES],
    ...NO_FRAMING,
  }),
};

/** The `_headers` file Netlify and Cloudflare Pages read: every path gets `SECURITY_HEADERS`. */
export function headersFile(): string {
  const lines = Object.entries(SECURITY_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return [
    '# Written by the build from vite.config.ts (SECURITY_HEADERS).',
    '/*',
    ...lines,
    '',
  ].join('\n');
}

function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
        injectTo: 'head-prepend',
      },
    ],
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile() });
    },
  };
}

/**
 * Fails the dev page loudly if it gains an inline script the dev policy does not allow (a
 * new plugin, a changed preamble), rather than leaving a blank page and a console warning.
 */
function devInlineScriptsAllowed(): Plugin {
  return {
    name: 'dev-inline-scripts-allowed',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        for (const [, attrs, code] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
          if (/\ssrc=/.test(attrs) || code.trim() === '') continue;
          if (!DEV_INLINE_SCRIPT_HASHES.includes(scriptHash(code)))
            throw new Error(`dev page: an inline script the dev CSP does not allow: ${code}`);
        }
      },
    },
  };
}

// `base: './'` makes the built site work from any sub-path (a project page on a static host).
export default defineConfig({
  base: './',
  // The version and commit run records carry (src/state/appStamp.ts), stamped at build time.
  define: { __APP_STAMP__: JSON.stringify(appStamp(fileURLToPath(new URL('.', import.meta.url)))) },
  plugins: [react(), contentSecurityPolicy(), devInlineScriptsAllowed()],
  worker: { format: 'es' },
  // recharts makes the one app chunk ~180 kB gzipped; that is fine for this app.
  build: { target: 'es2022', chunkSizeWarningLimit: 800 },
  server: { host: '127.0.0.1', headers: DEV_HEADERS },
  preview: { host: '127.0.0.1', headers: SECURITY_HEADERS },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.mjs'],
    environment: 'node',
  },
});
