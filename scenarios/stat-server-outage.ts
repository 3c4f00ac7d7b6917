import { defineScenario, FAULT_SCENARIO_BASE } from '../harness/scenario.js';

export default defineScenario({
  name: 'stat-server-outage',
  description:
    'The stat server is killed once 20% of the messages are sent and comes back five minutes later. Without tokens the MTA pauses rather than send unmetered; the restarted stat server resumes the period\'s counts, so no MX rule is exceeded.',
  ...FAULT_SCENARIO_BASE,
  // A tight rule: 6,000 an hour is 500 per five-minute period, so the quota is felt.
  mxRules: [{ name: 'default', domains: ['*'], maxConnections: 4, maxMessagesPerConnection: 50, maxMessagesPerHour: 6000 }],
  timeline: [{ name: 'stat server outage', when: { event: 'sent', share: 0.2 }, for: '5m', node: 'stat-server', fault: { kind: 'crash' } }],
});
