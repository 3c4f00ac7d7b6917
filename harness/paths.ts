// Where the project is, whether the harness runs from dist/ (npx midsim) or from sources (vitest).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'midsim') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the midsim project root above ${from}`);
    dir = up;
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const REPORTS = join(ROOT, 'reports');
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** A built program under dist/, or an error saying how to build it. */
export function program(relative: string): string {
  const file = resolve(DIST, relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first`);
  return file;
}
