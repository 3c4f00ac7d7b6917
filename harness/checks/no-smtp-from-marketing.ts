// Mid-sourcing: the marketing instance's MTA is disabled, so no SMTP session at any Internet MX
// comes from it. The sinks record every session's EHLO name.
import { Examples, type Check } from './types.js';

export const noSmtpFromMarketing: Check = {
  id: 'no-smtp-from-marketing',
  title: 'The marketing instance opens no SMTP connection (its MTA is disabled)',
  applies: (f) => f.executionSite === 'mid',
  start(f) {
    const bad = new Examples();
    let sessions = 0;
    return {
      event(e) {
        if (e.type !== 'sink.session') return;
        sessions++;
        if (String(e.ehlo).toLowerCase() === f.marketingHostName.toLowerCase()) bad.add(`session ${String(e.sessionId)} at ${String(e.domain)}`);
      },
      finish() {
        const counts = { sessions, fromMarketing: bad.count };
        if (!sessions) return { status: 'fail', detail: 'no SMTP session observed at any MX: nothing to judge', counts };
        if (bad.count) return { status: 'fail', detail: `${bad.count} of ${sessions} SMTP sessions came from the marketing instance (${f.marketingHostName}): ${bad}`, counts };
        return { status: 'pass', detail: `${sessions} SMTP sessions, none from ${f.marketingHostName}`, counts };
      },
    };
  },
};
