// Mid-sourcing sends "only the data needed to assemble the messages": a recipient column that no
// template uses (the canary secret_note) never crosses the link to the mid. The probe scans the
// link's captured bytes for canary values and writes a link.scan event.
import type { Check } from './types.js';

export const templateFieldsOnly: Check = {
  id: 'template-fields-only',
  title: 'No value of a column the template does not use leaves the marketing instance',
  applies: (f) => !!f.clientUplink,
  start(f) {
    // Every link from the instance to a mid (several with alternating routing), judged together.
    const uplinks = f.clientUplinks ?? [f.clientUplink!];
    const names = uplinks.join(' + ');
    const scans = new Map<string, { available: boolean; bytes: number; canaryHits: number; sample?: string }>();
    return {
      event(e) {
        if (e.type === 'link.scan' && uplinks.includes(String(e.link))) {
          scans.set(String(e.link), { available: e.available !== false, bytes: Number(e.bytes ?? 0), canaryHits: Number(e.canaryHits ?? 0), sample: e.sample as string | undefined });
        }
      },
      finish() {
        const missing = uplinks.filter((l) => !scans.get(l)?.available);
        if (missing.length) return { status: 'fail', detail: `no capture of ${missing.join(', ')}: cannot verify what left the instance` };
        const all = [...scans.values()];
        const s = { bytes: all.reduce((n, x) => n + x.bytes, 0), canaryHits: all.reduce((n, x) => n + x.canaryHits, 0), sample: all.find((x) => x.sample)?.sample };
        const counts = { bytes: s.bytes, canaryHits: s.canaryHits };
        if (!s.bytes) return { status: 'fail', detail: `nothing captured on ${names}: cannot verify`, counts };
        if (s.canaryHits) return { status: 'fail', detail: `${s.canaryHits} canary values crossed ${names} (e.g. ${s.sample})`, counts };
        return { status: 'pass', detail: `${s.bytes} bytes sent on ${names}, no canary value among them`, counts };
      },
    };
  },
};
