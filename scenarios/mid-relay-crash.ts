import { defineScenario } from '../harness/scenario.js';

export default defineScenario({
  name: 'mid-relay-crash',
  description:
    'The mid-sourcing relay is killed (SIGKILL) while the marketing instance uploads delivery parts, once 20% of them are transmitted, and restarted a minute later. The instance logs on again and resubmits the part whose answer was lost; the relay stores it once.',
  mode: 'mid-sourcing',
  timeScale: 60,
  workload: { recipients: 1000 },
  partSize: 50,
  sync: { deliveryLogsPeriod: '2m', trackingLogsPeriod: '2m', countersPeriod: '2m' },
  timeline: [
    // Any WAN has latency: 100 ms each way also spreads the part uploads over a few seconds.
    { name: 'WAN latency', at: '0s', link: 'instance->mid', fault: { kind: 'latency', latency: '100ms', jitter: '10ms', direction: 'both' } },
    { name: 'relay crash', when: { event: 'transmitted', share: 0.2 }, for: '1m', node: 'mid-relay', fault: { kind: 'crash' } },
  ],
});
