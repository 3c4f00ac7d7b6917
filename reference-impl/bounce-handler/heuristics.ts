// Bounces without a machine-readable report (qmail, Exim, old Sendmail, Exchange, Gmail, Yahoo,
// many appliances) say the same things in prose: which addresses failed, and what the remote
// server answered. This file finds those two things in the text.
import type { SmtpStage } from '../common/qualification.js';

const ADDRESS = /(?:"[^"\r\n]{1,64}"|[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64})@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+/g;

/** Every e-mail address in a text, in order, lower-cased, without duplicates. */
export function addressesIn(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(ADDRESS)) {
    const a = m[0].replace(/^[.]+|[.]+$/g, '').toLowerCase();
    if (/\.(?:png|gif|jpe?g)$/.test(a)) continue; // cid:image@... references
    seen.add(a);
  }
  return [...seen];
}

// Lines where the quoted original starts. Bounces introduce it in many ways; after one of these
// lines comes the sender's message, whose addresses and words must not be read as the report.
const ORIGINAL_STARTS = [
  /^\s*-+\s*(?:this is a copy of|original message|below this line|the header of the original|original message follows|returned message|unsent message|enclosed is a copy|message headers follow|start of returned message)/i,
  /^\s*-*\s*(?:original message|unsent message below|returned message|below this line is a copy of the message)\s*-*\s*$/i,
  /^\s*(?:message headers follow|included is a copy of the message header|the original message headers? (?:is|are) (?:included|attached|below)|original message headers?:?)\s*[.:]?\s*$/i,
  /copy of (?:the|your) message,? (?:including|below)/i,
  /^\s*-+\s*(?:original mail info|returned message)/i,
  /^-+ ?(?:Message|Original) (?:text|message) follows/i,
  /^From MAILER-DAEMON /,
];
// Header lines that open a quoted message when no introduction line was found.
const HEADER_START = /^(?:Return-Path|Received|DKIM-Signature|X-Received|ARC-Seal|Authentication-Results|Message-I[Dd]|X-Google-Smtp-Source|X-Original-To|Delivered-To):\s/;

/** The report part of a bounce's text: everything before the quoted original message. */
export function splitReport(text: string): { report: string; original: string } {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].slice(0, 1000);
    if (ORIGINAL_STARTS.some((re) => re.test(l)) || (HEADER_START.test(l) && /^[A-Za-z-]+:\s|^\s/.test(lines[i + 1] ?? ''))) {
      return { report: lines.slice(0, i).join('\n').slice(0, MAX_REPORT), original: lines.slice(i).join('\n') };
    }
  }
  return { report: text.slice(0, MAX_REPORT), original: '' };
}

/** Reports are short; a longer text (a bounce quoting a huge original inline) is read this far. */
const MAX_REPORT = 200_000;

export interface TextRecipient {
  recipient: string;
  /** The report text about this recipient: from its first mention to the next recipient's. */
  text: string;
}

/**
 * The failed recipients a report names, each with the text about it. `known` lists addresses
 * already known to have failed (X-Failed-Recipients, a DSN); `exclude` the addresses that are
 * not recipients (the sender, the bounce's own From and To).
 */
export function recipientsIn(report: string, known: string[], exclude: Set<string>): TextRecipient[] {
  const lower = report.toLowerCase();
  const anchored = new Set(anchoredAddresses(report));
  let candidates = known.length
    ? known
    : addressesIn(report).filter((a) => anchored.has(a) || (!exclude.has(a) && !isRobot(a)));
  candidates = [...new Set(candidates.map((a) => a.toLowerCase()))];
  const found = candidates
    .map((a) => {
      const at = lower.indexOf(a);
      return { a, at, start: at < 0 ? -1 : transcriptStart(report, lineStart(report, at)) };
    })
    .sort((x, y) => (x.at < 0 ? 1e9 : x.start) - (y.at < 0 ? 1e9 : y.start));
  return found.map(({ a, at, start }) => {
    if (at < 0) return { recipient: a, text: report };
    const next = found.find((f) => f.at >= 0 && f.start > start);
    let text = report.slice(start, next ? next.start : undefined);
    // A Sendmail transcript moves on to another host: what follows is about other recipients.
    const cut = text.slice(1).search(/^\s*(?:\.\.\. )?while talking to /im);
    if (cut >= 0) text = text.slice(0, cut + 1);
    return { recipient: a, text };
  });
}

function lineStart(text: string, at: number): number {
  const nl = text.lastIndexOf('\n', at);
  return nl < 0 ? 0 : nl + 1;
}

// Sendmail transcripts put the exchange before the line naming the recipient:
//   >>> RCPT To:<user@example.org>            (command sent)
//   <<< 550 5.1.1 User unknown                  (reply received)
//   550 example.org (smtp)... 550 Host unknown  (per-host summary)
//   554 <user@example.org>... User unknown      (per-recipient summary)
const TRANSCRIPT_LINE = /^\s*(?:<<<|>>>|\d{3}[ -][^\s<]+ \(\w+\)\.\.\.)/;

/** Where a recipient's part of the report starts: its line, or the transcript lines above it. */
function transcriptStart(text: string, start: number): number {
  let s = start;
  while (s > 0) {
    const prev = lineStart(text, s - 2);
    if (!TRANSCRIPT_LINE.test(text.slice(prev, s - 1))) break;
    s = prev;
  }
  return s;
}

/** Addresses a line opens with: "<user@example.org>:", "  user@example.org", "Recipient: <...>". */
function anchoredAddresses(report: string): string[] {
  const out: string[] = [];
  for (const line of report.split(/\r?\n/)) {
    const rest = line.replace(/^\s*(?:[*>\-•]+\s*|(?:recipient|to|rcpt to|address|original-recipient|final-recipient)\s*:\s*(?:rfc822;\s*)?)*<?/i, '');
    const a = addressesIn(rest)[0];
    if (a && rest.toLowerCase().startsWith(a)) out.push(a);
  }
  return out;
}

/** Service addresses that a bounce names as its author or its support contact, not as failed. */
function isRobot(a: string): boolean {
  return /^(?:mailer-daemon|postmaster|no-?reply|support|abuse)@/.test(a);
}

/** The SMTP stage of a Sendmail-style transcript: the last command sent before the error reply. */
export function transcriptStage(text: string): SmtpStage {
  const lines = text.split(/\r?\n/);
  let last = '';
  for (const l of lines) {
    const sent = /^\s*>>>\s*([A-Za-z.]+)(?:\s+([A-Za-z]+))?/.exec(l);
    if (sent) last = `${sent[1]} ${sent[2] ?? ''}`.toUpperCase();
    else if (/while talking to/i.test(l)) last = 'CONN'; // a reply before any command: the greeting
    else if (/^\s*<<<\s*[45]\d\d/.test(l) && last) return stageOf(last);
  }
  return '';
}

function stageOf(command: string): SmtpStage {
  if (/^RCPT/.test(command)) return 'RCPT';
  if (/^MAIL/.test(command)) return 'MAIL';
  if (/^(?:DATA|\.)/.test(command)) return 'DATA';
  if (/^(?:EHLO|HELO)/.test(command)) return 'EHLO';
  if (command === 'CONN') return 'CONN';
  return '';
}

/** The remote server's replies quoted in a Sendmail-style transcript ("<<< 550 ..."). */
export function transcriptReplies(text: string): string {
  return [...text.matchAll(/^\s*<<<\s*(.+)$/gm)].map((m) => m[1]).join('\n');
}

/** Prose that says the report is a warning, the message still queued. */
export function saysDelayed(text: string): boolean {
  return /(?:has been delayed|will be retried|warning message only|not yet been delivered|delivery attempts will continue|will continue to try|still trying)/i.test(text);
}
