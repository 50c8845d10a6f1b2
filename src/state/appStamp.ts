import type { AppStamp } from '../record';

/** Replaced at build time by vite.config.ts (scripts/appStamp.mjs). */
declare const __APP_STAMP__: AppStamp | undefined;

/**
 * The app's version and commit, for the run records the page exports. Code loaded without
 * Vite's define (none in this app; a stray loader) says "unknown" rather than failing.
 */
export const APP_STAMP: AppStamp =
  typeof __APP_STAMP__ === 'undefined'
    ? { version: 'unknown', commit: 'unknown', dirty: null }
    : __APP_STAMP__;
