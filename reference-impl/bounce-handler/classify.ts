// What inMail makes of one received mail: is it a bounce, which recipients failed, why (the
// Campaign qualification), and which of our messages it is about (the Message-IDs it quotes).
// Machine-readable reports first (RFC 3464 DSN, ARF complaints, Amazon SES notifications), then
// the prose of bounces that have none, then auto-replies; anything else is not a bounce.
import { simpleParser } from 'mailparser';
import { findMessageRefs, type MessageRef } from '../common/message-id.js';
import {
  diagnose,
  findReplyCode,
  findStage,
  findStatus,
  qualify,
  DENYLISTED,
  ERROR_IGNORED,
  REFUSED,
  type FailureType,
  type SmtpStage,
} from '../common/qualification.js';
import { readDeliveryStatus, readFeedbackReport, readFields, type DsnRecipient } from './dsn.js';
import { addressesIn, recipientsIn, saysDelayed, splitReport, transcriptReplies, transcriptStage } from './heuristics.js';

export interface BounceRecipient {
  recipient: string;
  status: string;
  replyCode: string;
  /** null: the report says delivered */
  reasonCode: number | null;
  reason: string | null;
  type: FailureType | null;
  /** failed | delayed | delivered (a report about a success or a message still being retried) */
  action: 'failed' | 'delayed' | 'delivered';
  diagnostic: string;
}

export interface BounceResult {
  bounce: boolean;
  kind: 'dsn' | 'arf' | 'autoreply' | 'heuristic' | 'none';
  recipients: BounceRecipient[];
  messageRefs: MessageRef[];
}

/** A received mail, taken apart once. */
interface Mail {
  header: (name: string) => string;
  from: string[];
  to: string[];
  subject: string;
  /** The readable text: inline text parts (mailparser joins them), else the raw body. */
  text: string;
  deliveryStatus: string[];
  feedback: string[];
  /** Quoted originals: message/rfc822 parts, text/rfc822-headers parts. */
  originals: string[];
}

const NOT_A_BOUNCE: BounceResult = { bounce: false, kind: 'none', recipients: [], messageRefs: [] };

export async function classifyBounce(raw: Buffer | string): Promise<BounceResult> {
  let mail: Mail;
  try {
    mail = await read(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
  } catch {
    return NOT_A_BOUNCE;
  }
  const result = sesNotification(mail) ?? complaint(mail) ?? deliveryStatus(mail) ?? prose(mail) ?? autoReply(mail);
  if (!result) return NOT_A_BOUNCE;
  return { bounce: true, ...result, messageRefs: messageRefsOf(mail) };
}

type Found = Pick<BounceResult, 'kind' | 'recipients'>;

async function read(raw: Buffer): Promise<Mail> {
  const parsed = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  const headers = new Map<string, string>();
  for (const h of parsed.headerLines ?? []) {
    const value = h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    if (!headers.has(h.key)) headers.set(h.key, value);
  }
  const rawText = raw.toString('utf8');
  // mailparser renders an inline message/rfc822 as a summary without its headers, and may merge
  // report parts into the text: the report parts and the quoted original are read from the raw
  // MIME as well.
  const parts = rawParts(rawText);
  const firstMessage = parts.findIndex((p) => /^message\/(?:rfc822|global)$/.test(p.type));
  const outer = firstMessage < 0 ? parts : parts.slice(0, firstMessage);
  const deliveryStatus = outer.filter((p) => /delivery-status/.test(p.type)).map((p) => p.body);
  const feedback = outer.filter((p) => /feedback-report/.test(p.type)).map((p) => p.body);
  const originals = parts.filter((p) => /^message\/(?:rfc822|global)$|rfc822-headers|global-headers/.test(p.type)).map((p) => p.body);
  let extraText = '';
  for (const a of parsed.attachments ?? []) {
    const type = a.contentType.toLowerCase();
    if (type === 'text/plain') extraText += '\n' + a.content.toString('utf8');
    else if (/delivery-status/.test(type) && !deliveryStatus.length) deliveryStatus.push(a.content.toString('utf8'));
  }
  let text = (parsed.text ?? '') + extraText;
  if (!text.trim()) {
    // Broken MIME (no boundary found): read the raw body as text.
    const end = rawText.search(/\r?\n\r?\n/);
    text = end < 0 ? '' : rawText.slice(end);
  }
  return {
    header: (name) => headers.get(name.toLowerCase()) ?? '',
    from: addressesIn(headers.get('from') ?? ''),
    to: addressesIn(headers.get('to') ?? ''),
    subject: parsed.subject ?? '',
    text,
    deliveryStatus,
    feedback,
    originals,
  };
}

const PART_TYPES = /^Content-Type:[ \t]*(message\/(?:rfc822|global|delivery-status|global-delivery-status|feedback-report|rfc822-headers|global-headers)|text\/rfc822-headers)\b/gim;

/** The report and original parts of a raw MIME message, in order, transfer-decoded. */
function rawParts(raw: string): { type: string; body: string }[] {
  const parts: { type: string; body: string }[] = [];
  for (const m of raw.matchAll(PART_TYPES)) {
    const start = m.index ?? 0;
    const headEnd = raw.slice(start).search(/\r?\n\r?\n/);
    if (headEnd < 0) continue;
    const head = raw.slice(start, start + headEnd);
    let body = raw.slice(start + headEnd).replace(/^\r?\n\r?\n/, '');
    const boundary = body.search(/^--[^\s]{6,}\s*$/m);
    if (boundary >= 0) body = body.slice(0, boundary);
    const cte = (/^Content-Transfer-Encoding:\s*([\w-]+)/im.exec(head)?.[1] ?? '').toLowerCase();
    if (cte === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    else if (cte === 'quoted-printable') body = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    parts.push({ type: m[1].toLowerCase(), body });
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Machine-readable reports

/** Amazon SES notifications relayed by SNS: a JSON document in the body (or in its "Message"). */
function sesNotification(mail: Mail): Found | null {
  const start = mail.text.indexOf('{');
  if (start < 0 || !/notificationType|eventType/.test(mail.text)) return null;
  let doc: SesDoc;
  try {
    doc = JSON.parse(mail.text.slice(start, mail.text.lastIndexOf('}') + 1)) as SesDoc;
    if (typeof doc.Message === 'string') doc = JSON.parse(doc.Message) as SesDoc;
  } catch {
    return null;
  }
  const type = doc.notificationType ?? doc.eventType;
  if (type === 'Delivery') {
    return { kind: 'dsn', recipients: (doc.delivery?.recipients ?? []).map((r) => delivered(r, doc.delivery?.smtpResponse ?? '')) };
  }
  if (type === 'Complaint') {
    return { kind: 'arf', recipients: (doc.complaint?.complainedRecipients ?? []).map((r) => withReason(r.emailAddress, DENYLISTED, 'complaint')) };
  }
  if (type === 'Bounce') {
    const recipients = (doc.bounce?.bouncedRecipients ?? []).map((r) =>
      failed(r.emailAddress, {
        status: r.status ?? '',
        diagnostic: r.diagnosticCode ?? '',
        action: r.action ?? 'failed',
        stage: '',
      }),
    );
    return { kind: 'dsn', recipients };
  }
  return null;
}
interface SesDoc {
  Message?: string;
  notificationType?: string;
  eventType?: string;
  delivery?: { recipients?: string[]; smtpResponse?: string };
  complaint?: { complainedRecipients?: { emailAddress: string }[] };
  bounce?: { bouncedRecipients?: { emailAddress: string; status?: string; action?: string; diagnosticCode?: string }[] };
}

/**
 * Complaints: an ARF feedback report (RFC 5965), Microsoft's JMRP report (the original with an
 * X-HmXmrOriginalRecipient header), or an unsubscribe sent by the mail client on the
 * recipient's behalf (Apple Mail). Campaign denylists the address.
 */
function complaint(mail: Mail): Found | null {
  const report = mail.feedback.map(readFeedbackReport).find((r) => r) ?? readFeedbackReport(arfFields(mail.text));
  if (report) {
    let recipients = report.originalRcptTo;
    if (!recipients.length) recipients = originalHeader(mail, 'to');
    if (!recipients.length) recipients = [''];
    return { kind: 'arf', recipients: recipients.map((r) => withReason(r, DENYLISTED, report.feedbackType)) };
  }
  const jmrp = mail.originals.map((o) => quotedHeader(o, 'x-hmxmroriginalrecipient')).find((v) => v);
  if (jmrp) return { kind: 'arf', recipients: addressesIn(jmrp).map((r) => withReason(r, DENYLISTED, 'complaint')) };
  if (/^true$/i.test(mail.header('x-apple-unsubscribe'))) {
    return { kind: 'arf', recipients: mail.from.map((r) => withReason(r, DENYLISTED, 'unsubscribe')) };
  }
  return null;
}

/** ARF fields pasted into the text (no feedback-report part): only when Feedback-Type is there. */
function arfFields(text: string): string {
  return /^Feedback-Type:/im.test(text) ? text : '';
}

function deliveryStatus(mail: Mail): Found | null {
  const fromParts = mail.deliveryStatus.map(readDeliveryStatus).flatMap((d) => d?.recipients ?? []);
  const dsn = fromParts.length ? { recipients: fromParts } : readDeliveryStatus(splitReport(mail.text).report);
  if (!dsn) return null;
  const human = humanPart(mail.text);
  const exclude = exclusions(mail);
  const addresses = dsn.recipients.map(dsnAddress);
  const blocks = new Map(recipientsIn(human, addresses.filter((a) => a.includes('@')), exclude).map((b) => [b.recipient, b.text]));
  // A recipient that is not an address (a file, a pipe, a broken field): the prose names it.
  const named = (i: number) => generatedBy(human) || recipientsIn(human, [], exclude)[i]?.recipient;
  const seen = new Set<string>();
  const recipients: BounceRecipient[] = [];
  dsn.recipients.forEach((r, i) => {
    const address = addresses[i] || named(i) || r.finalRecipient;
    const key = `${address}|${r.status}|${r.diagnostic}`;
    if (seen.has(key)) return;
    seen.add(key);
    let block = blocks.get(address.toLowerCase()) ?? '';
    if (!block && dsn.recipients.length === 1) block = human;
    if (/^(?:delivered|relayed|expanded|deliverable)$/.test(r.action) || r.status.startsWith('2.')) {
      recipients.push(delivered(address, r.diagnostic));
      return;
    }
    const diagnostic = r.diagnostic || block.trim() || r.diagnosticType;
    const stage = findStage(r.diagnostic) || transcriptStage(block) || findStage(block);
    recipients.push(failed(address, { status: r.status, diagnostic, action: r.action, stage }));
  });
  return { kind: 'dsn', recipients };
}

/** Exim: "save to /var/mail/x \n generated by user@example.org" names the address behind a file. */
function generatedBy(text: string): string | undefined {
  const m = /(?:generated|expanded) (?:by|from):?\s*<?([^\s<>()]+@[^\s<>()]+?)>?[\s)]/i.exec(text + ' ');
  return m ? m[1].toLowerCase() : undefined;
}

/** The recipient's address, "" when the report gives none that is valid. */
function dsnAddress(r: DsnRecipient): string {
  return addressesIn(r.finalRecipient)[0] ?? addressesIn(r.originalRecipient)[0] ?? '';
}

/** The prose before the machine-readable fields and before the quoted original. */
function humanPart(text: string): string {
  const at = text.search(/^(?:Reporting-MTA|Final-Recipient|Original-Recipient|Received-From-MTA|Arrival-Date|X-Postfix-Queue-ID|Original-Envelope-Id):/im);
  return splitReport(at < 0 ? text : text.slice(0, at)).report;
}

// ---------------------------------------------------------------------------------------------
// Bounces in prose

/**
 * A delivery report in prose: the subjects MTAs give them, or a robot sender (MAILER-DAEMON,
 * postmaster, an empty Return-Path) saying that a message could not be delivered. A person
 * writing about a parcel that "could not be delivered" is neither.
 */
function looksLikeBounce(mail: Mail): boolean {
  if (mail.header('x-failed-recipients')) return true;
  if (BOUNCE_SUBJECT.test(mail.subject)) return true;
  const robot = /mailer-daemon|postmaster|mail delivery|delivery subsystem|mail ?system|mail administrator/i.test(mail.header('from')) || mail.header('return-path') === '<>';
  const report = splitReport(mail.text).report.slice(0, 5000);
  return robot && (FAILURE_PROSE.test(report) || SMTP_ERROR.test(report));
}

/** An SMTP error reply with its enhanced status: "550 5.1.1", "550-5.7.1", "(#5.1.1)". */
const SMTP_ERROR = /\b[45][0-5]\d[ -]#?[45]\.\d{1,3}\.\d{1,3}\b|\(#[45]\.\d{1,3}\.\d{1,3}\)/;

/** Subjects of delivery reports, as MTAs write them. */
const BOUNCE_SUBJECT =
  /^(?:undeliver(?:ed|able)\b|returned mail\b|mail delivery failed|delivery status notification|failure notice|non[- ]?delivery|delivery (?:failure|notification|has failed)|mail system error|(?:\[postmaster\] )?email delivery failure|warning: could not send|mail could not be delivered|message delivery failure|delivery failed|undelivered mail returned to sender|mail failure)/i;

/** What delivery reports say in their first lines, whatever the MTA. */
const FAILURE_PROSE =
  /could not be delivered|couldn't be delivered|undeliverable|was not delivered|wasn't delivered|unable to deliver|failed to deliver|did not reach|delivery (?:has )?failed|delivery to the following|permanent (?:fatal )?error|not be delivered|delivery failure|has been delayed|rejected by (?:a |the )?remote|following address(?:es)? (?:had|failed)/i;

function prose(mail: Mail): Found | null {
  if (!looksLikeBounce(mail)) return null;
  const { report } = splitReport(mail.text);
  const known = addressesIn(mail.header('x-failed-recipients'));
  let blocks = recipientsIn(report, known, exclusions(mail));
  // Nothing names the recipient: the quoted original says whom it was sent to.
  if (!blocks.length) blocks = originalHeader(mail, 'to').map((recipient) => ({ recipient, text: report }));
  if (!blocks.length) blocks = [{ recipient: '', text: report }];
  const action = saysDelayed(report) || /\(delay\)|delayed/i.test(mail.subject) ? 'delayed' : 'failed';
  const recipients = blocks.map((b) => {
    const stage = transcriptStage(b.text) || findStage(b.text);
    // The remote server's own words first (a transcript's "<<<" replies), then the whole block,
    // then the whole report (some put the reason in their introduction).
    const texts = [transcriptReplies(b.text), b.text.trim(), `${mail.subject}\n${report}`.trim()].filter((t) => t);
    const diagnostic = texts.find((t) => knows(t, findStatus(t), stage, action)) ?? texts[texts.length - 1];
    return failed(b.recipient, { status: findStatus(diagnostic), diagnostic, action, stage });
  });
  return { kind: 'heuristic', recipients };
}

function knows(diagnostic: string, status: string, stage: SmtpStage, action: string): boolean {
  const c = diagnose({ diagnostic, status, stage, action }).cause;
  return c !== 'onhold' && c !== 'undefined';
}

// ---------------------------------------------------------------------------------------------
// Auto-replies (RFC 3834): vacation messages and the like. Campaign ignores them (Error ignored).

function autoReply(mail: Mail): Found | null {
  // "auto-generated" is any automatic mail (newsletters, notifications): only replies count.
  const marked =
    /^auto-replied/i.test(mail.header('auto-submitted')) ||
    mail.header('x-autoreply') !== '' ||
    mail.header('x-autorespond') !== '' ||
    /^auto[_-]reply$/i.test(mail.header('precedence'));
  const subject =
    /^(?:auto(?:matic)?[ -]?(?:reply|respon)|auto:|out of (?:the )?office|autoreply|automatische antwort|abwesenheit|r[ée]ponse automatique|respuesta autom[aá]tica|risposta automatica|autosvar|absence)/i.test(
      mail.subject,
    );
  if (!marked && !subject) return null;
  const who = mail.from.length ? mail.from : [''];
  return { kind: 'autoreply', recipients: who.map((r) => withReason(r, ERROR_IGNORED, 'auto-reply')) };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function failed(
  recipient: string,
  d: { status: string; diagnostic: string; action: string; stage: SmtpStage },
): BounceRecipient {
  const replyCode = findReplyCode(d.diagnostic);
  const status = d.status || findStatus(d.diagnostic);
  let { reasonCode } = diagnose({ status, replyCode, diagnostic: d.diagnostic, action: d.action, stage: d.stage });
  if (reasonCode === 0 && /@googlegroups\.com$/i.test(recipient)) {
    // Google Groups answers in the poster's language: the group refused the post.
    reasonCode = REFUSED;
  }
  const q = qualify(reasonCode);
  return {
    recipient,
    status,
    replyCode,
    reasonCode: q.reasonCode,
    reason: q.reason,
    type: q.type,
    action: /^delayed/.test(d.action) ? 'delayed' : 'failed',
    diagnostic: d.diagnostic.replace(/\s+/g, ' ').trim().slice(0, 1000),
  };
}

function delivered(recipient: string, diagnostic: string): BounceRecipient {
  return {
    recipient,
    status: findStatus(diagnostic) || '2.0.0',
    replyCode: findReplyCode(diagnostic),
    reasonCode: null,
    reason: null,
    type: null,
    action: 'delivered',
    diagnostic,
  };
}

function withReason(recipient: string, reasonCode: number, diagnostic: string): BounceRecipient {
  const q = qualify(reasonCode);
  return { recipient, status: '', replyCode: '', ...q, action: 'failed', diagnostic };
}

/** Addresses that a bounce names but that are not its failed recipients: ours, the bounce's. */
function exclusions(mail: Mail): Set<string> {
  const set = new Set<string>([...mail.from, ...mail.to]);
  for (const o of mail.originals) for (const h of ['from', 'return-path', 'sender', 'reply-to']) addressesIn(quotedHeader(o, h)).forEach((a) => set.add(a));
  const { original } = splitReport(mail.text);
  for (const h of ['from', 'return-path', 'sender']) addressesIn(quotedHeader(original, h)).forEach((a) => set.add(a));
  return set;
}

/** One header of a quoted message (its first header block). */
function quotedHeader(message: string, name: string): string {
  const block = message.split(/\r?\n\r?\n/)[0] ?? '';
  const f = readFields(block).find((x) => x?.name === name);
  return f ? f.value : '';
}

function originalHeader(mail: Mail, name: string): string[] {
  for (const o of mail.originals) {
    const v = addressesIn(quotedHeader(o, name));
    if (v.length) return v;
  }
  return addressesIn(quotedHeader(splitReport(mail.text).original, name));
}

/** Our messages the bounce is about: Message-IDs quoted in the original, or in its references. */
function messageRefsOf(mail: Mail): MessageRef[] {
  const texts = [...mail.originals, mail.text, mail.header('in-reply-to'), mail.header('references')];
  const seen = new Set<string>();
  const refs: MessageRef[] = [];
  for (const r of texts.flatMap((t) => findMessageRefs(t))) {
    const key = `${r.broadLogId}.${r.deliveryId}.${r.instance}`;
    if (!seen.has(key)) {
      seen.add(key);
      refs.push(r);
    }
  }
  return refs;
}
