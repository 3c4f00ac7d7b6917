import { defineScenario } from '../harness/scenario.js';

// The distributed architecture's redundancy claim: one of the two MTAs is killed (SIGKILL) while
// it sends and never comes back; its claimed messages return to the shared queue when their lease
// runs out and the other MTA sends them. Nothing is lost.
export default defineScenario({
  name: 'distributed-mta-loss',
  description:
    'Distributed mode, two MTAs sharing one queue and one stat server: the second MTA is killed once half of the messages have their SMTP outcome, for the rest of the run. The first MTA takes over its claimed messages when their lease (2 min simulated, 2 s wall) runs out.',
  mode: 'distributed',
  timeScale: 60,
  workload: { recipients: 1000 },
  timeline: [{ name: 'mta-2 lost', when: { event: 'sent', share: 0.5 }, node: 'mta-2', fault: { kind: 'crash' } }],
});
