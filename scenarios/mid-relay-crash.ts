import { defineScenario, FAULT_SCENARIO_BASE, WAN_LATENCY_STEP } from '../harness/scenario.js';

export default defineScenario({
  name: 'mid-relay-crash',
  description:
    'The mid-sourcing relay is killed (SIGKILL) while the marketing instance uploads delivery parts, once 20% of them are transmitted, and restarted a minute later. The instance logs on again and resubmits the part whose answer was lost; the relay stores it once.',
  ...FAULT_SCENARIO_BASE,
  partSize: 50,
  timeline: [
    WAN_LATENCY_STEP,
    { name: 'relay crash', when: { event: 'transmitted', share: 0.2 }, for: '1m', node: 'mid-relay', fault: { kind: 'crash' } },
  ],
});
