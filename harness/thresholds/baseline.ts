// Reading the baseline of the release gate: an earlier run's result.json (or the run directory
// that holds it). Bad input is a ConfigError naming --baseline, exit 2.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../reference-impl/common/errors.js';
import type { GatedRun } from './evaluate.js';

export function readBaseline(path: string): GatedRun {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'result.json') : path;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`--baseline ${path}: cannot read an earlier run's result.json: ${(e as Error).message}`);
  }
  const r = raw as Partial<GatedRun> | null;
  if (!r || typeof r !== 'object' || !r.metrics || typeof r.metrics !== 'object') {
    throw new ConfigError(`--baseline ${path}: not a midsim result.json (no "metrics" object)`);
  }
  return { scenario: typeof r.scenario === 'string' ? r.scenario : undefined, mode: typeof r.mode === 'string' ? r.mode : undefined, metrics: r.metrics };
}
