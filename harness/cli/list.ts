import { scenarioNames } from '../run/scenarios.js';
import { MODES } from '../topology/modes.js';

export function listCommand(): void {
  console.log('scenarios:');
  for (const s of scenarioNames()) console.log(`  ${s}`);
  console.log('modes:');
  for (const m of Object.keys(MODES)) console.log(`  ${m}`);
}
