import { defineScenario, FAULT_SCENARIO_BASE, WAN_LATENCY_STEP } from '../harness/scenario.js';

export default defineScenario({
  name: 'wan-reject',
  description:
    'A firewall rejects connections from the marketing instance to the mid-sourcing server for ten minutes, once 20% of the parts are transmitted: calls fail at once (connection refused) and are retried. Nothing is lost or sent twice.',
  ...FAULT_SCENARIO_BASE,
  partSize: 50,
  timeline: [
    WAN_LATENCY_STEP,
    { name: 'firewall reject', when: { event: 'transmitted', share: 0.2 }, for: '10m', link: 'instance->mid', fault: { kind: 'reject' } },
  ],
});
