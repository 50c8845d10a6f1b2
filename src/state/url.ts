import type { ExperimentConfig } from '../config';
import { encode } from '../url/params';
import { useStore } from './store';

function writeUrl(config: ExperimentConfig): void {
  const query = encode(config);
  const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
  window.history.replaceState(null, '', url);
}

/**
 * Keeps the address bar equal to the configuration on screen, so every control change is a
 * shareable link (history is replaced, not pushed: Back leaves the playground). It is written
 * at once too: a link opens showing only what was accepted (refused parameters dropped, old
 * names rewritten; the page still lists the refused ones), so Copy link never copies them.
 */
export function syncUrlWithConfig(): () => void {
  writeUrl(useStore.getState().config);
  return useStore.subscribe((s, prev) => {
    if (s.config !== prev.config) writeUrl(s.config);
  });
}
