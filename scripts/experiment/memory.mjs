// The memory watchdog of `npm run experiment`: how much the browser it launched uses, from /proc.
// A runaway link (60,000 mask updates kept by the page, a huge network) otherwise grows until
// the machine runs out; reading /proc needs no browser protocol and sees every Chromium process
// (browser, renderer, GPU, utility), GPU buffers of SwiftShader included.
import { readdirSync, readFileSync } from 'node:fs';

/** Parent of a process from its /proc/<pid>/stat line (the name may hold spaces and parentheses). */
export function parseParent(stat) {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[1]);
}

/** Proportional set size in kB from /proc/<pid>/smaps_rollup: shared pages split between users. */
export function parsePssKb(rollup) {
  const m = /^Pss:\s+(\d+) kB/m.exec(rollup);
  return m ? Number(m[1]) : null;
}

/** Every descendant of `root` in a pid -> parent table (not `root` itself). */
export function descendants(root, parents) {
  const children = new Map();
  for (const [pid, parent] of parents) {
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(pid);
  }
  const out = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length > 0) {
    const pid = todo.pop();
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function readOr(path, fallback) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback; // the process ended while being read, or it is not ours to read
  }
}

/** Whether this system has /proc to read; elsewhere the watchdog is off. */
export function canWatch() {
  return readOr('/proc/self/smaps_rollup', null) !== null;
}

/** MB used by all processes below `root` (this runner's children: Chromium and its helpers). */
export function treeMemoryMB(root) {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`/proc/${name}/stat`, null);
    if (stat) parents.set(Number(name), parseParent(stat));
  }
  let kb = 0;
  for (const pid of descendants(root, parents))
    kb += parsePssKb(readOr(`/proc/${pid}/smaps_rollup`, '')) ?? 0;
  return kb / 1024;
}

/**
 * Checks the memory of `root`'s children every `everyMs` and calls `onExceed(mb)` once when it
 * passes `limitMB`. Returns the function that stops watching.
 */
export function watchMemory({ root, limitMB, everyMs = 2000, onExceed }) {
  const timer = setInterval(() => {
    const mb = treeMemoryMB(root);
    if (mb > limitMB) {
      clearInterval(timer);
      onExceed(mb);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
