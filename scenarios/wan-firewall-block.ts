import { defineScenario, FAULT_SCENARIO_BASE, WAN_LATENCY_STEP } from '../harness/scenario.js';

export default defineScenario({
  name: 'wan-firewall-block',
  description:
    'A firewall black-holes the link from the marketing instance to the mid-sourcing server for ten minutes, once 30% of the parts are transmitted: packets vanish, calls hang until the link heals. The mid keeps sending what it has; the rest of the parts and the sync wait, then catch up.',
  ...FAULT_SCENARIO_BASE,
  partSize: 50,
  timeline: [
    WAN_LATENCY_STEP,
    { name: 'firewall block', when: { event: 'transmitted', share: 0.3 }, for: '10m', link: 'instance->mid', fault: { kind: 'block', direction: 'both' } },
  ],
});
