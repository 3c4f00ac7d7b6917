import { defineScenario, FAULT_SCENARIO_BASE } from '../harness/scenario.js';

export default defineScenario({
  name: 'sink-tempfail',
  description:
    'The MX of mail-a.test (40% of the recipients) defers everything (421/451) for the first twenty minutes. The MTA retries with its back-off (5s, 10s, 20s, 40s, 2min...) until the MX accepts again: nothing is lost, nothing sent twice.',
  ...FAULT_SCENARIO_BASE,
  timeline: [{ name: 'mail-a.test defers', at: '0s', for: '20m', mx: 'mail-a.test', fault: { kind: 'tempfail' } }],
});
