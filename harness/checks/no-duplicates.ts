// No duplicate delivery: each recipient's MX accepts at most one copy. When the MTA lost the
// connection after handing the message over (an indeterminate outcome, recorded as such), a second
// copy is SMTP's own doing: it is counted apart, not as a failure.
import { Examples, indexOf, type Check } from './types.js';

export const noDuplicates: Check = {
  id: 'no-duplicates',
  title: 'No recipient receives a message twice',
  applies: () => true,
  start(f) {
    const n = f.recipients;
    const copies = new Uint8Array(n);
    const indeterminate = new Uint8Array(n);
    return {
      event(e) {
        const i = indexOf(e, n);
        if (i < 0) return;
        if (e.type === 'sink.accepted') copies[i] = Math.min(255, copies[i] + 1);
        else if (e.type === 'final.execution' && Number(e.indeterminate) > 0) indeterminate[i] = 1;
      },
      finish() {
        const dup = new Examples();
        let explained = 0;
        for (let i = 0; i < n; i++) {
          if (copies[i] <= 1) continue;
          if (indeterminate[i]) explained += copies[i] - 1;
          else dup.add(`r${i} received ${copies[i]} copies`);
        }
        const counts = { duplicates: dup.count, indeterminateDuplicates: explained };
        if (dup.count) return { status: 'fail', detail: `${dup.count} recipients got duplicates: ${dup}`, counts };
        return { status: 'pass', detail: `no duplicates${explained ? ` (${explained} extra copies after indeterminate SMTP outcomes, counted apart)` : ''}`, counts };
      },
    };
  },
};
