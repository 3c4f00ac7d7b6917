import { defineScenario } from '../harness/scenario.js';

export default defineScenario({
  name: 'wan-reject',
  description:
    'A firewall rejects connections from the marketing instance to the mid-sourcing server for ten minutes, once 20% of the parts are transmitted: calls fail at once (connection refused) and are retried. Nothing is lost or sent twice.',
  mode: 'mid-sourcing',
  timeScale: 60,
  workload: { recipients: 1000 },
  partSize: 50,
  sync: { deliveryLogsPeriod: '2m', trackingLogsPeriod: '2m', countersPeriod: '2m' },
  timeline: [
    // Any WAN has latency: 100 ms each way also spreads the part uploads over a few seconds.
    { name: 'WAN latency', at: '0s', link: 'instance->mid', fault: { kind: 'latency', latency: '100ms', jitter: '10ms', direction: 'both' } },
    { name: 'firewall reject', when: { event: 'transmitted', share: 0.2 }, for: '10m', link: 'instance->mid', fault: { kind: 'reject' } },
  ],
});
