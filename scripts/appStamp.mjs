// The code a build comes from, for run records: package.json's version and the git commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const git = (root, args) =>
  execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });

/**
 * `{ version, commit, dirty }` of the checkout at `root`: vite.config.ts defines it into the app
 * (`__APP_STAMP__`) and `npm run experiment` stamps its records with the same call, so the page's
 * and the runner's records agree. Without git (a tarball, no git installed) the commit is
 * "unknown" and `dirty` null: a record then says plainly that it does not pin the code.
 */
export function appStamp(root) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  try {
    const commit = git(root, ['rev-parse', 'HEAD']).trim();
    if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`not a commit: ${commit}`);
    const dirty = git(root, ['status', '--porcelain']).trim() !== '';
    return { version, commit, dirty };
  } catch {
    return { version, commit: 'unknown', dirty: null };
  }
}
