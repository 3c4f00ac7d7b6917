// Asynchronous bounces through the bounce handler's SMTP intake: DSNs about probe messages (rows
// of a probe delivery in the execution site's database, status sent, so no MTA picks them) are
// qualified and drive the quarantine: a Hard error at once, Soft errors at the threshold.
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import pg from 'pg';
import { messageId } from '../../../reference-impl/common/message-id.js';
import { composeDsn, rfc5322Date } from '../../workload/internet/dsn.js';
import { dsnPlan, type BounceKind } from '../../workload/model.js';
import { executionDb, type Target } from '../target.js';
import { fail, verdict, type CheckFn } from '../types.js';

/** Sent probe messages to `emails` at the execution site: their broadlog ids and delivery id. */
async function probeMessages(t: Target, emails: string[]): Promise<{ deliveryId: number; ids: number[] }> {
  const db = new pg.Client({ connectionString: executionDb(t) });
  await db.connect();
  try {
    const d = await db.query(`insert into delivery (label, template, client, mkt_delivery_id, state) values ('conformance bounce probe', '{}', 'conformance-probe', $1, 'finished') returning id`, [
      700_000_000 + Math.floor(Math.random() * 90_000_000),
    ]);
    const deliveryId = Number(d.rows[0].id);
    const r = await db.query(
      `insert into broadlog (delivery_id, email, status, event_at, transmitted_at) select $1, e, 'sent', now(), now() from unnest($2::text[]) e returning id`,
      [deliveryId, emails],
    );
    return { deliveryId, ids: r.rows.map((x) => Number(x.id)) };
  } finally {
    await db.end();
  }
}

async function sendDsn(t: Target, kind: BounceKind, rcpt: string, ref: { broadLogId: number; deliveryId: number }, instance = t.inMail.instance): Promise<void> {
  const id = messageId({ ...ref, instance }, 'conformance.test');
  const original = Buffer.from(`From: Probe <probe@conformance.test>\r\nTo: <${rcpt}>\r\nSubject: probe\r\nDate: ${rfc5322Date(new Date())}\r\nMessage-ID: ${id}`);
  const raw = await composeDsn({
    reportingMta: `mx.${t.probeDomain}`,
    rcpt,
    returnPath: 'bounce@conformance.test',
    arrivalDate: new Date(),
    originalHeaders: original,
    plan: dsnPlan(kind, rcpt),
    messageId: `<dsn-${ref.broadLogId}-${Date.now()}@mx.${t.probeDomain}>`,
  });
  const [host, port] = t.inMail.smtp.split(':');
  const smtp = new SMTPConnection({ host, port: Number(port), ignoreTLS: true, name: `mx.${t.probeDomain}` });
  // A refused connection is only an 'error' event (connect's callback waits for success).
  let failed: (e: Error) => void = () => {};
  const error = new Promise<never>((_, rej) => (failed = rej));
  error.catch(() => {});
  smtp.on('error', (e: Error) => failed(e));
  try {
    await Promise.race([error, new Promise<void>((res) => smtp.connect(() => res()))]);
    await Promise.race([error, new Promise<void>((res, rej) => smtp.send({ from: '', to: ['bounce@conformance.test'] }, raw, (err) => (err ? rej(err) : res())))]);
  } finally {
    smtp.quit();
  }
}

async function state(t: Target, email: string, ids: number[]) {
  const db = new pg.Client({ connectionString: executionDb(t) });
  await db.connect();
  try {
    const q = await db.query(`select status, error_count from quarantine where email = $1`, [email]);
    const rows = await db.query(`select id, status, failure_type, failure_reason_code from broadlog where id = any($1::bigint[]) order by id`, [ids]);
    return { quarantine: q.rows[0] as { status: string; error_count: number } | undefined, rows: rows.rows as { id: string; status: string; failure_type: string | null; failure_reason_code: number | null }[] };
  } finally {
    await db.end();
  }
}

const unique = (what: string, t: Target) => `conformance-${what}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@${t.probeDomain}`;

export const hardAtOnce: CheckFn = async ({ target }) => {
  const email = unique('hard', target);
  const { deliveryId, ids } = await probeMessages(target, [email]);
  await sendDsn(target, 'userUnknown', email, { broadLogId: ids[0], deliveryId });
  const s = await state(target, email, ids);
  const row = s.rows[0];
  return verdict(
    row?.status === 'failed' && row.failure_type === 'Hard' && row.failure_reason_code === 1 && s.quarantine?.status === 'quarantine' && s.quarantine.error_count === 1,
    `one "5.1.1 User unknown" DSN: message ${row?.status} ${row?.failure_type ?? '-'} reason ${row?.failure_reason_code ?? '-'}; address ${s.quarantine?.status ?? 'not in quarantine'} after ${s.quarantine?.error_count ?? 0} error(s)`,
  );
};

export const mailboxFullSoft: CheckFn = async ({ target }) => {
  const email = unique('full', target);
  const { deliveryId, ids } = await probeMessages(target, [email]);
  await sendDsn(target, 'mailboxFull', email, { broadLogId: ids[0], deliveryId });
  const s = await state(target, email, ids);
  const row = s.rows[0];
  return verdict(
    row?.status === 'failed' && row.failure_type === 'Soft' && row.failure_reason_code === 5 && s.quarantine?.status !== 'quarantine',
    `one "5.2.2 Mailbox full" DSN: message ${row?.status} ${row?.failure_type ?? '-'} reason ${row?.failure_reason_code ?? '-'}; address ${s.quarantine?.status ?? 'not in quarantine'}`,
  );
};

/** Quarantined at the target's reading of contradiction C1 (the 5th soft error by default), not before. */
export const softThreshold: CheckFn = async ({ target }) => {
  const email = unique('soft', target);
  const at = target.softQuarantineAt;
  const n = at + 1;
  const { deliveryId, ids } = await probeMessages(target, Array(n).fill(email));
  const statuses: string[] = [];
  let quarantinedAt: number | null = null;
  for (let k = 0; k < n; k++) {
    await sendDsn(target, 'mailboxFull', email, { broadLogId: ids[k], deliveryId });
    const s = await state(target, email, ids);
    statuses.push(`${k + 1}:${s.quarantine?.status ?? 'none'}/${s.quarantine?.error_count ?? 0}`);
    if (quarantinedAt === null && s.quarantine?.status === 'quarantine') quarantinedAt = k + 1;
  }
  if (quarantinedAt === null) return fail(`${n} soft errors and the address is not quarantined (${statuses.join(' ')})`);
  return verdict(quarantinedAt === at, `quarantined at soft error #${quarantinedAt}, expected #${at} (after each error, status/count: ${statuses.join(' ')})`);
};

/** A bounce about another instance's message (its Message-ID names another instance) changes nothing here. */
export const otherInstance: CheckFn = async ({ target }) => {
  const email = unique('other', target);
  const { deliveryId, ids } = await probeMessages(target, [email]);
  await sendDsn(target, 'userUnknown', email, { broadLogId: ids[0], deliveryId }, `${target.inMail.instance}-elsewhere`);
  const s = await state(target, email, ids);
  return verdict(s.rows[0]?.status === 'sent' && !s.quarantine, `a "user unknown" DSN whose Message-ID names instance "${target.inMail.instance}-elsewhere": message ${s.rows[0]?.status}; address ${s.quarantine?.status ?? 'not in quarantine'}`);
};

/** A second report about the same message (a DSN sent twice) counts once. */
export const duplicateBounce: CheckFn = async ({ target }) => {
  const email = unique('twice', target);
  const { deliveryId, ids } = await probeMessages(target, [email]);
  await sendDsn(target, 'mailboxFull', email, { broadLogId: ids[0], deliveryId });
  await sendDsn(target, 'mailboxFull', email, { broadLogId: ids[0], deliveryId });
  const s = await state(target, email, ids);
  return verdict(s.rows[0]?.status === 'failed' && s.quarantine?.error_count === 1, `the same "mailbox full" DSN twice: message ${s.rows[0]?.status}; ${s.quarantine?.error_count ?? 0} soft error(s) counted for the address`);
};
