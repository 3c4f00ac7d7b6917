// Under the mode's port policy (docker runtime, --port-policy), nothing but the documented ports
// leaves the client's site. The firewall enforces it; this check reports any node that tried
// another way out (refused connection attempts) or whose own links the policy refuses.
import { Examples, type Check } from './types.js';

export const portPolicy: Check = {
  id: 'port-policy',
  title: "Nothing leaves the client's site but what the port policy allows",
  applies: (f) => !!f.portPolicy,
  start() {
    const bad = new Examples();
    let nodes = 0;
    let refused = 0;
    let says = '';
    return {
      event(e) {
        if (e.type !== 'firewall.policy') return;
        nodes++;
        says = String(e.says);
        const n = typeof e.refused === 'number' ? e.refused : 0;
        const links = (e.refusedLinks as string[] | undefined) ?? [];
        refused += n;
        if (n > 0 || links.length) bad.add(`${String(e.node)}: ${n} connection attempts refused${links.length ? `, its links ${links.join(', ')} not allowed` : ''}`);
        if (e.refused === null) bad.add(`${String(e.node)}: its firewall counters could not be read`);
      },
      finish() {
        const counts = { nodes, refused, offenders: bad.count };
        if (!nodes) return { status: 'fail', detail: 'the port policy was asked for but no rules were applied', counts };
        if (bad.count) return { status: 'fail', detail: `blocked by the port policy (${says}): ${bad}`, counts };
        return { status: 'pass', detail: `${nodes} nodes of the client's site behind the port policy (${says}); no connection refused`, counts };
      },
    };
  },
};
