import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Builds the explorer (web/ → web/dist) when its build is missing or stale, and does nothing, quickly, when
 * it is fresh. Fresh means: the hash of every source file of web/ (not dist/), the lockfile and the
 * package manifest equals the one stamped into the last build. `npm run dev`, `npm start` and `npm test`
 * call it; `--force` always builds.
 */
const webRoot = path.resolve(import.meta.dirname, '..');
const repoRoot = path.resolve(webRoot, '..');
export const DIST = path.join(webRoot, 'dist');
const STAMP = path.join(DIST, '.build-hash');
const SKIP = new Set(['dist', 'node_modules']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      if (SKIP.has(name) || name.startsWith('.')) return [];
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? sourceFiles(full) : [full];
    });
}

/** A hash of everything the build depends on. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(webRoot), path.join(repoRoot, 'package-lock.json'), path.join(repoRoot, 'package.json')]) {
    hash.update(path.relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function isFresh(hash = sourceHash()): boolean {
  return existsSync(path.join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash;
}

/** Builds unless fresh; returns whether it built. */
export async function ensureExplorerBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  const log = options.log ?? ((line: string) => console.log(line));
  const hash = sourceHash();
  if (!options.force && isFresh(hash)) return false;
  log('explorer: building web/ into web/dist …');
  const started = Date.now();
  // Imported only when needed: a fresh build must not pay for loading Vite.
  const { build } = await import('vite');
  await build({ configFile: path.join(webRoot, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, `${hash}\n`);
  log(`explorer: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureExplorerBuilt({ force: process.argv.includes('--force') }).catch((error: unknown) => {
    console.error('explorer: the build failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
