// Nothing lost: every recipient is accounted for, either accepted by its MX (and then sent, or
// failed by a later bounce) or failed with a reason. A message marked sent that never reached
// its MX is lost; so is a recipient without a final status.
import { Examples, indexOf, type Check } from './types.js';

export const nothingLost: Check = {
  id: 'nothing-lost',
  title: 'Nothing lost: sink acceptances + failures = recipients',
  applies: () => true,
  start(f) {
    const n = f.recipients;
    const accepted = new Uint8Array(n);
    const final = new Uint8Array(n); // 0 none, 1 sent, 2 failed, 3 ignored
    const bounced = new Uint8Array(n);
    return {
      event(e) {
        const i = indexOf(e, n);
        if (i < 0) return;
        if (e.type === 'sink.accepted') accepted[i] = 1;
        else if (e.type === 'final.marketing') final[i] = ({ sent: 1, failed: 2, ignored: 3 } as Record<string, number>)[String(e.status)] ?? 0;
        else if (e.type === 'final.execution' && e.bouncedAt) bounced[i] = 1;
      },
      finish() {
        const lost = new Examples();
        let delivered = 0;
        let failed = 0;
        let ignored = 0;
        for (let i = 0; i < n; i++) {
          if (final[i] === 1 && accepted[i]) delivered++;
          else if (final[i] === 1) lost.add(`r${i} marked sent but never accepted by its MX`);
          else if (final[i] === 2 && accepted[i] && !bounced[i]) lost.add(`r${i} accepted by its MX but marked failed without a bounce`);
          else if (final[i] === 2) failed++;
          else if (final[i] === 3) ignored++;
          else lost.add(`r${i} has no final status on the marketing instance`);
        }
        const counts = { recipients: n, delivered, failed, ignored, lost: lost.count };
        const sum = `${delivered} delivered + ${failed} failed + ${ignored} ignored = ${delivered + failed + ignored} of ${n}`;
        return lost.count ? { status: 'fail', detail: `${sum}; ${lost.count} lost: ${lost}`, counts } : { status: 'pass', detail: sum, counts };
      },
    };
  },
};
