// Run directories for integration tests: a temp dir per run, removed after a passing test; after
// a failing (or timed-out) one, copied to reports/test-failures/ (databases left out) and the tail
// of every node's log printed, so that a failure on CI can be read from its output.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { REPORTS } from '../paths.js';

const dirs: string[] = [];

/** A fresh directory for one run; call at module level of a test file (registers the hooks). */
export function runDirs(prefix: string): () => string {
  afterEach(({ task }) => {
    const failed = task.result?.state === 'fail' || !!task.result?.errors?.length;
    for (const d of dirs.splice(0)) {
      if (failed) keep(d, task.name);
      rmSync(d, { recursive: true, force: true });
    }
  });
  afterAll(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), `midsim-${prefix}-`));
    dirs.push(d);
    return d;
  };
}

function keep(dir: string, test: string): void {
  const to = join(REPORTS, 'test-failures', `${basename(dir)}`);
  try {
    mkdirSync(to, { recursive: true });
    cpSync(dir, to, { recursive: true, filter: (src) => !src.includes(`${dir}/pg`) });
  } catch (e) {
    console.error(`could not keep ${dir}: ${(e as Error).message}`);
  }
  const lines = [`test "${test}" failed; its run is kept in ${to}`];
  const logs = join(dir, 'logs');
  if (existsSync(logs)) {
    for (const f of readdirSync(logs).sort()) {
      const tail = readFileSync(join(logs, f), 'utf8').trimEnd().split('\n').slice(-6);
      lines.push(`--- ${f}`, ...tail.map((l) => `  ${l.slice(0, 400)}`));
    }
  }
  const history = join(dir, 'history.ndjson');
  if (existsSync(history)) {
    const samples = readFileSync(history, 'utf8').trimEnd().split('\n').filter((l) => l.includes('"type":"sample"'));
    if (samples.length) lines.push(`--- last sample: ${samples[samples.length - 1].slice(0, 600)}`);
  }
  console.error(lines.join('\n'));
}
