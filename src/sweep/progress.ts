/** The sweep's progress line: done of total, running, failures, time so far and to go. */

export interface Progress {
  done: number;
  total: number;
  running: number;
  failed: number;
  elapsedS: number;
}

/** Minutes and seconds (hours past the hour): "42s", "3m05s", "1h02m". */
export function duration(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Seconds left, from the pace so far (experiments finish at the rate they have finished,
 * parallel jobs included); null before the first one ends, when nothing says the pace.
 */
export function etaSeconds(p: Progress): number | null {
  if (p.done === 0) return null;
  return (p.elapsedS / p.done) * (p.total - p.done);
}

/**
 * One line of progress; `barWidth` > 0 draws a bar of that many cells first (for a terminal,
 * redrawn in place), 0 leaves it out (plain lines, as a CI log keeps them).
 */
export function progressLine(p: Progress, barWidth = 0): string {
  const eta = etaSeconds(p);
  const parts = [
    `${p.done}/${p.total} done`,
    `${p.running} running`,
    `${p.failed} failed`,
    `${duration(p.elapsedS)} elapsed`,
    p.done === p.total ? 'finished' : `ETA ${eta === null ? '?' : duration(eta)}`,
  ];
  if (barWidth <= 0) return `sweep: ${parts.join(', ')}`;
  const filled = p.total === 0 ? barWidth : Math.round((p.done / p.total) * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${parts.join(' · ')}`;
}
