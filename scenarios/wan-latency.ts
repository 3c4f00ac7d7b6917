import { defineScenario, FAULT_SCENARIO_BASE } from '../harness/scenario.js';

export default defineScenario({
  name: 'wan-latency',
  description:
    'The WAN between the marketing instance and the mid-sourcing server has 200 ms +/- 50 of round-trip latency (100 ms +/- 25 each way) for the whole campaign. Parts of 100 recipients make it felt on every AppendDeliveryPart; the sync still brings everything back.',
  ...FAULT_SCENARIO_BASE,
  partSize: 100,
  timeline: [{ name: 'WAN latency', at: '0s', link: 'instance->mid', fault: { kind: 'latency', latency: '100ms', jitter: '25ms', direction: 'both' } }],
});
