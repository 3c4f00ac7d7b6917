// Hardware profiles by name (fixtures/hardware-profiles/<name>.json) or by path.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { ROOT } from '../paths.js';
import { parseProfile, type HardwareProfile } from './schema.js';

export const PROFILES_DIR = join(ROOT, 'fixtures', 'hardware-profiles');

export function profileNames(): string[] {
  if (!existsSync(PROFILES_DIR)) return [];
  return readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json')).sort();
}

export function loadProfile(nameOrPath: string): HardwareProfile {
  const file = nameOrPath.endsWith('.json') ? resolve(nameOrPath) : join(PROFILES_DIR, `${nameOrPath}.json`);
  if (!existsSync(file)) throw new ConfigError(`unknown hardware profile "${nameOrPath}" (known: ${profileNames().join(', ')})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read hardware profile ${file}: ${(e as Error).message}`);
  }
  return parseProfile(raw, `hardware profile ${basename(file)}`);
}
