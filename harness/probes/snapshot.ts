// The final reads, as events: once the run has quiesced, every message's life at each site goes
// into the history (prepared, transmitted, outcome at the execution site, first and final status
// visible on the marketing instance, tracking logs at both sites).
import { recipientIndex } from '../workload/model.js';
import type { HistoryWriter } from './history.js';
import type { SiteDb } from './site-db.js';

const ms = (d: unknown) => (d instanceof Date ? d.getTime() : null);

export async function snapshotToHistory(h: HistoryWriter, marketing: SiteDb, execution: SiteDb, executionSite: 'marketing' | 'mid'): Promise<void> {
  const now = Date.now();
  for await (const r of marketing.rows(`select * from broadlog`)) {
    await h.settle();
    const index = recipientIndex(String(r.email));
    h.append({ type: 'msg.prepared', ts: ms(r.prepared_at)!, index, email: r.email });
    if (r.transmitted_at) h.append({ type: 'msg.transmitted', ts: ms(r.transmitted_at)!, index });
    h.append({
      type: 'final.marketing',
      ts: ms(r.visible_at) ?? now,
      index,
      status: r.status,
      reasonCode: r.failure_reason_code,
      failureType: r.failure_type,
      firstVisibleAt: ms(r.first_visible_at),
      data: r.data,
    });
  }
  for await (const r of execution.rows(`select * from broadlog`)) {
    await h.settle();
    h.append({
      type: 'final.execution',
      ts: ms(r.event_at) ?? now,
      site: executionSite,
      index: recipientIndex(String(r.email)),
      status: r.status,
      reasonCode: r.failure_reason_code,
      failureType: r.failure_type,
      replyCode: r.reply_code,
      tries: r.tries,
      indeterminate: r.indeterminate,
      bouncedAt: ms(r.bounced_at),
      mktBroadLogId: r.mkt_broadlog_id,
    });
  }
  // Delivery parts (mid-sourcing): how many times each was submitted before the mid accepted it.
  const parts = await marketing.query(`select part_index, attempts, count, accepted_at from delivery_part order by part_index`).catch(() => ({ rows: [] }));
  for (const r of parts.rows) h.append({ type: 'part.final', ts: ms(r.accepted_at) ?? now, part: r.part_index, attempts: r.attempts, recipients: r.count, accepted: !!r.accepted_at });
  const tracking = `select t.id, t.kind, t.url_id, t.at, t.synced_at, b.email from tracking_log t join broadlog b on b.id = t.broadlog_id`;
  for await (const r of marketing.rows(tracking)) {
    await h.settle();
    h.append({ type: 'track.visible', ts: ms(r.synced_at) ?? ms(r.at)!, at: ms(r.at), index: recipientIndex(String(r.email)), kind: r.kind, urlId: r.url_id });
  }
  if (executionSite === 'mid') {
    for await (const r of execution.rows(tracking)) {
      await h.settle();
      h.append({ type: 'track.recorded', ts: ms(r.at)!, index: recipientIndex(String(r.email)), kind: r.kind, urlId: r.url_id });
    }
  }
}
