import { scenarioNames } from '../run/scenarios.js';
import { MODES } from '../topology/modes.js';
import { loadProfile, profileNames } from '../profiles/load.js';

export function listCommand(): void {
  console.log('scenarios:');
  for (const s of scenarioNames()) console.log(`  ${s}`);
  console.log('modes:');
  for (const m of Object.keys(MODES)) console.log(`  ${m}`);
  console.log('profiles (--profile, fixtures/hardware-profiles/):');
  for (const p of profileNames()) {
    const profile = loadProfile(p);
    console.log(`  ${p}${profile.mode ? ` (${profile.mode})` : ''}: ${profile.description}`);
  }
}
