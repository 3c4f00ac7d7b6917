// Scenario files: scenarios/<name>.ts exporting defineScenario({...}) (built into dist/scenarios),
// or any .js/.json file given by path.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { DIST } from '../paths.js';
import { parseScenario, type Scenario } from '../scenario.js';

const DIR = join(DIST, 'scenarios');

export function scenarioNames(): string[] {
  if (!existsSync(DIR)) return [];
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.js'))
    .map((f) => basename(f, '.js'))
    .sort();
}

/** Load a scenario by name or path, with overrides applied before validation. */
export async function loadScenario(nameOrPath: string, overrides: Record<string, unknown> = {}): Promise<Scenario> {
  let raw: unknown;
  let where: string;
  if (/\.(json)$/.test(nameOrPath)) {
    where = nameOrPath;
    try {
      raw = JSON.parse(readFileSync(resolve(nameOrPath), 'utf8'));
    } catch (e) {
      throw new ConfigError(`cannot read scenario ${nameOrPath}: ${(e as Error).message}`);
    }
  } else {
    const file = /\.m?js$/.test(nameOrPath) ? resolve(nameOrPath) : join(DIR, `${nameOrPath}.js`);
    where = `scenario ${nameOrPath}`;
    if (!existsSync(file)) {
      throw new ConfigError(`unknown scenario "${nameOrPath}" (known: ${scenarioNames().join(', ') || 'none: run npm run build'})`);
    }
    raw = (await import(pathToFileURL(file).href)).default;
  }
  return parseScenario(deepMerge(raw, overrides), where);
}

function deepMerge(a: unknown, b: Record<string, unknown>): unknown {
  if (!a || typeof a !== 'object' || Array.isArray(a)) return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? deepMerge(out[k], v as Record<string, unknown>) : v;
  }
  return out;
}
