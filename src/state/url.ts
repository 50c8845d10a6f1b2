import { encode } from '../url/params';
import { useStore } from './store';

/**
 * Keeps the address bar equal to the configuration on screen, so every control change is a
 * shareable link (history is replaced, not pushed: Back leaves the playground).
 */
export function syncUrlWithConfig(): () => void {
  return useStore.subscribe((s, prev) => {
    if (s.config === prev.config) return;
    const query = encode(s.config);
    const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
    window.history.replaceState(null, '', url);
  });
}
