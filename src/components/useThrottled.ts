import { useEffect, useRef, useState } from 'react';

/**
 * How often a chart fed by every step or every mask update redraws at most. A run that
 * updates its mask every step changes their figures at every flush of the inbox, and one
 * recharts redraw of hundreds of bars and markers costs the main thread more than the flush
 * interval on a slow machine: a second is still live to a reader, and leaves the page free.
 */
export const REDRAW_MS = 1000;

/**
 * `value`, but replaced at most once every `ms`: a new value waits until `ms` after the last
 * one shown (at once when the last is older), and the latest always shows in the end, so a
 * paused or finished run's charts are exact. Pair it with a memoized drawing of the value.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastShown = useRef(-Infinity);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = Math.max(0, lastShown.current + ms - performance.now());
    const timer = setTimeout(() => {
      lastShown.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return shown;
}
