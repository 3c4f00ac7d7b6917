// Mid-sourcing sends "only the data needed to assemble the messages": a recipient column that no
// template uses (the canary secret_note) never crosses the link to the mid. The probe scans the
// link's captured bytes for canary values and writes a link.scan event.
import type { Check } from './types.js';

export const templateFieldsOnly: Check = {
  id: 'template-fields-only',
  title: 'No value of a column the template does not use leaves the marketing instance',
  applies: (f) => !!f.clientUplink,
  start(f) {
    let scan: { available: boolean; bytes: number; canaryHits: number; sample?: string } | null = null;
    return {
      event(e) {
        if (e.type === 'link.scan' && e.link === f.clientUplink) {
          scan = { available: e.available !== false, bytes: Number(e.bytes ?? 0), canaryHits: Number(e.canaryHits ?? 0), sample: e.sample as string | undefined };
        }
      },
      finish() {
        const s = scan as typeof scan;
        if (!s || !s.available) return { status: 'fail', detail: `no capture of ${f.clientUplink}: cannot verify what left the instance` };
        const counts = { bytes: s.bytes, canaryHits: s.canaryHits };
        if (!s.bytes) return { status: 'fail', detail: `nothing captured on ${f.clientUplink}: cannot verify`, counts };
        if (s.canaryHits) return { status: 'fail', detail: `${s.canaryHits} canary values crossed ${f.clientUplink} (e.g. ${s.sample})`, counts };
        return { status: 'pass', detail: `${s.bytes} bytes sent on ${f.clientUplink}, no canary value among them`, counts };
      },
    };
  },
};
