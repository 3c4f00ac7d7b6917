import { defineScenario } from '../harness/scenario.js';

// The README's first run: a 1,000-recipient campaign in mid-sourcing mode over four simulated
// Internet domains (refusals, deferrals, asynchronous bounces, opens and clicks included).
export default defineScenario({
  name: 'default',
  description: 'A 1,000-recipient campaign delivered through the mid-sourcing server, logs synchronised back every 2 s.',
  mode: 'mid-sourcing',
});
