import { defineScenario } from '../harness/scenario.js';

export default defineScenario({
  name: 'wan-firewall-block',
  description:
    'A firewall black-holes the link from the marketing instance to the mid-sourcing server for ten minutes, once 30% of the parts are transmitted: packets vanish, calls hang until the link heals. The mid keeps sending what it has; the rest of the parts and the sync wait, then catch up.',
  mode: 'mid-sourcing',
  timeScale: 60,
  workload: { recipients: 1000 },
  partSize: 50,
  sync: { deliveryLogsPeriod: '2m', trackingLogsPeriod: '2m', countersPeriod: '2m' },
  timeline: [
    // Any WAN has latency: 100 ms each way also spreads the part uploads over a few seconds.
    { name: 'WAN latency', at: '0s', link: 'instance->mid', fault: { kind: 'latency', latency: '100ms', jitter: '10ms', direction: 'both' } },
    { name: 'firewall block', when: { event: 'transmitted', share: 0.3 }, for: '10m', link: 'instance->mid', fault: { kind: 'block', direction: 'both' } },
  ],
});
