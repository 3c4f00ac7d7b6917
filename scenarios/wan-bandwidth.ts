import { defineScenario, FAULT_SCENARIO_BASE } from '../harness/scenario.js';

export default defineScenario({
  name: 'wan-bandwidth',
  description:
    'The WAN between the marketing instance and the mid-sourcing server is capped at 1 Mb/s each way for the whole campaign (the documented "1 Mb/s for 10,000 emails per hour"). Only the data the messages need crosses it, so the cap barely shows.',
  ...FAULT_SCENARIO_BASE,
  partSize: 100,
  timeline: [{ name: 'WAN 1 Mb/s', at: '0s', link: 'instance->mid', fault: { kind: 'bandwidth', rate: '1Mb/s', direction: 'both' } }],
});
