// Campaign-style failure qualification, shared by the MTA (synchronous SMTP replies) and inMail
// (asynchronous bounces). Documented: every failure gets a type (Hard, Soft, Ignored) and a reason
// with a fixed code; Hard errors quarantine at once, Soft errors count towards quarantine.
//
// One rule set serves both callers. A failure is read in this order:
//   1. providers' documented error codes (Orange "OFR_416", Spectrum "AUP#In-1310");
//   2. the wording of the reply (well-known MTA and provider phrasings), because it is the most
//      specific thing a receiving server says ("550 5.1.1 <a@b>... Not enough disk space" is a
//      full mailbox whatever 5.1.1 says);
//   3. the enhanced status code (RFC 3463), when the wording says nothing specific;
//   4. words of refusal that say nothing more ("rejected", "denied");
//   5. the basic SMTP reply code (RFC 5321) and the SMTP stage the reply came at;
//   6. reports of a message still being retried ("delayed", 4.x.x) are Unreachable; anything else
//      is Not defined.
// The SMTP stage matters twice: "user unknown" said after the content (DATA) is a content
// filter's refusal, and anything refused at connection or greeting is about us, not the recipient.
// The phrasings were collected from real bounces; many of them, and the mapping of reasons to
// codes, follow Sisimai (BSD-2-Clause, Copyright (C) 2014 azumakuniyuki), a bounce parser whose
// reason names appear below as causes.

export type FailureType = 'Hard' | 'Soft' | 'Ignored';
export interface Qualification {
  reasonCode: number;
  reason: string;
  type: FailureType;
}

export const REASONS: Record<number, { reason: string; type: FailureType }> = {
  0: { reason: 'Not defined', type: 'Soft' },
  1: { reason: 'User unknown', type: 'Hard' },
  2: { reason: 'Invalid domain', type: 'Soft' },
  3: { reason: 'Unreachable', type: 'Soft' },
  4: { reason: 'Account disabled', type: 'Soft' },
  5: { reason: 'Mailbox full', type: 'Soft' },
  6: { reason: 'Not connected', type: 'Soft' },
  8: { reason: 'Denylisted address', type: 'Hard' },
  20: { reason: 'Refused', type: 'Soft' },
  25: { reason: 'Error ignored', type: 'Ignored' },
};

export const NOT_DEFINED = 0;
export const USER_UNKNOWN = 1;
export const INVALID_DOMAIN = 2;
export const UNREACHABLE = 3;
export const ACCOUNT_DISABLED = 4;
export const MAILBOX_FULL = 5;
export const NOT_CONNECTED = 6;
export const DENYLISTED = 8;
export const REFUSED = 20;
export const ERROR_IGNORED = 25;

export function qualify(reasonCode: number): Qualification {
  const r = REASONS[reasonCode] ?? REASONS[NOT_DEFINED];
  return { reasonCode: REASONS[reasonCode] ? reasonCode : NOT_DEFINED, reason: r.reason, type: r.type };
}

/** The SMTP stage a reply came at; a few rules depend on it. */
export type SmtpStage = 'CONN' | 'EHLO' | 'MAIL' | 'RCPT' | 'DATA' | '';

/** What is known about one failed recipient. */
export interface Diagnostic {
  status?: string;
  replyCode?: string;
  diagnostic?: string;
  action?: string;
  /** The SMTP stage, when the report says it; found in the text otherwise. */
  stage?: SmtpStage;
}

/** The MTA's synchronous qualification of a non-2xx SMTP reply (4xx are temporary but still qualified, e.g. 452 4.2.2 -> Mailbox full). */
export function qualifySmtpReply(reply: { code: number; enhanced?: string; text: string; stage?: SmtpStage }): Qualification {
  return qualify(
    reasonCodeOf({
      replyCode: String(reply.code),
      status: reply.enhanced,
      diagnostic: `${reply.code} ${reply.enhanced ?? ''} ${reply.text}`,
      stage: reply.stage,
    }),
  );
}

/** The rule set for one failed recipient of a bounce (DSN fields and/or free text). */
export function qualifyDiagnostic(d: Diagnostic): Qualification {
  return qualify(reasonCodeOf(d));
}

/** The cause (a Sisimai reason name) and its reason code; exported for diagnostics and tests. */
export function diagnose(d: Diagnostic): { cause: string; reasonCode: number } {
  const text = normalize(d.diagnostic ?? '');
  const status = validStatus(d.status) || findStatus(text);
  const reply = /^[245]\d\d$/.test(d.replyCode ?? '') ? d.replyCode! : findReplyCode(text);
  const stage = d.stage || findStage(text);
  const temporary = status.startsWith('4.') || (!status && reply.startsWith('4'));

  const phrase = PHRASES.find((p) => p.re.test(text));
  let found = providerCode(text) ?? (phrase ? { cause: phrase.cause, reasonCode: phrase.code } : null);
  if (found?.cause === 'userunknown') found = userUnknownAt(stage, status);
  // A temporary failure to resolve a domain is a DNS problem that may heal, not a bad domain.
  if (found?.cause === 'hostunknown' && temporary) found = { cause: 'networkerror', reasonCode: UNREACHABLE };
  found ??= causeOfStatus(status);
  if (!found && GENERIC_REFUSAL.test(text)) found = { cause: 'rejected', reasonCode: REFUSED };
  found ??= causeOfReply(reply, stage);
  // Refused at connection or greeting: the receiving server refuses us (our IP, our name), not the
  // recipient; whatever else the reply says about users or domains.
  if ((stage === 'CONN' || stage === 'EHLO') && found && [USER_UNKNOWN, INVALID_DOMAIN].includes(found.reasonCode)) {
    found = { cause: 'blocked', reasonCode: REFUSED };
  }
  if ((stage === 'CONN' || stage === 'EHLO') && found?.cause === 'systemerror') found = { cause: 'blocked', reasonCode: REFUSED };
  if (found) return found;
  if (/^(delayed|expired)/i.test(d.action ?? '') || temporary) return { cause: 'expired', reasonCode: UNREACHABLE };
  return { cause: text ? 'onhold' : 'undefined', reasonCode: NOT_DEFINED };
}

function reasonCodeOf(d: Diagnostic): number {
  return diagnose(d).reasonCode;
}

// "User unknown" is only a User unknown when the server said it about the address: at RCPT, or
// with an address status (X.1.x). Said after the content (DATA), or with a mailbox status (X.2.x),
// it comes from a content filter that had accepted the address: a refusal (Sisimai's "filtered").
function userUnknownAt(stage: SmtpStage, status: string): { cause: string; reasonCode: number } {
  if (/^[45]\.1\.\d+$/.test(status) && !/^[45]\.1\.[78]$/.test(status)) return { cause: 'userunknown', reasonCode: USER_UNKNOWN };
  if (stage === 'RCPT') return { cause: 'userunknown', reasonCode: USER_UNKNOWN };
  if (stage === 'DATA' || /^[45]\.2\.\d+$/.test(status)) return { cause: 'filtered', reasonCode: REFUSED };
  if (/^[45]\.5\.\d+$/.test(status)) return { cause: 'userunknown', reasonCode: USER_UNKNOWN };
  return { cause: 'filtered', reasonCode: REFUSED };
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/** A diagnostic is a few lines; longer texts are read up to this length. */
const MAX_DIAGNOSTIC = 20_000;

/** Lower case, one space between words, addresses and URLs blanked: an address or a link names
 *  a mailbox or a page, never the failure (a mailbox called "mailboxfull@" is not full). */
export function normalize(s: string): string {
  return s
    .slice(0, MAX_DIAGNOSTIC)
    .replace(/https?:\/\/([^/\s?#]{1,255})\S*/gi, ' $1 ')
    .replace(/<?(?:"[^"\r\n]{0,64}"|[^\s<>"(),;:@[\]]{1,64})@[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,24}>?/g, ' <addr> ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function validStatus(s: string | undefined): string {
  const m = /([245])\.(\d{1,3})\.(\d{1,3})/.exec(s ?? '');
  return m ? `${m[1]}.${m[2]}.${m[3]}` : '';
}

/** The first enhanced status code in a text: "#5.1.1", "550-5.7.1", "5.2.2". */
export function findStatus(text: string): string {
  const m = /(?:^|[^\d.])([45])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/.exec(text.slice(0, MAX_DIAGNOSTIC));
  return m ? `${m[1]}.${m[2]}.${m[3]}` : '';
}

/** The first SMTP reply code in a text, not an octet of an IP address nor part of a number. */
export function findReplyCode(text: string): string {
  const t = text.slice(0, MAX_DIAGNOSTIC).replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  const m = /(?:^|[\s:;'"(<])([45][0-5]\d)(?=[\s\-:;,.'")]|$)/.exec(t);
  return m ? m[1] : '';
}

/** The SMTP stage a reply came at, from the ways MTAs say it. */
export function findStage(text: string): SmtpStage {
  const t = text.slice(0, MAX_DIAGNOSTIC).toLowerCase().replace(/\s+/g, ' ');
  const stages: [SmtpStage, RegExp][] = [
    // Postfix "(in reply to RCPT TO command)", Exim "after RCPT TO:<...>", DragonFly "did not like our RCPT TO"
    ['RCPT', /(?:in reply to|after|for|did not like our) rcpt to|does not like recipient|\[rcpt_to\]|rcpt to:.{0,80}?(?:said|<<<)/],
    ['DATA', /(?:in reply to|after) (?:end of )?data|end of data|failed after i sent the message|for text command|did not like our data|\bdata command\b/],
    ['MAIL', /(?:in reply to|after|for) mail from|sender was rejected|\[mail_from\]/],
    ['EHLO', /(?:in reply to|after) (?:ehlo|helo)|my name was rejected/],
    ['CONN', /after initial connection|refused to talk to me|greeting/],
  ];
  for (const [stage, re] of stages) if (re.test(t)) return stage;
  return '';
}

// ---------------------------------------------------------------------------------------------
// Enhanced status codes (RFC 3463 and the IANA registry of RFC 5248) by subject.detail, for both
// classes (4 temporary, 5 permanent).

const STATUS: Record<string, [string, number]> = {
  '1.0': ['userunknown', USER_UNKNOWN], // other address status
  '1.1': ['userunknown', USER_UNKNOWN], // bad destination mailbox address
  '1.2': ['hostunknown', INVALID_DOMAIN], // bad destination system address
  '1.3': ['userunknown', USER_UNKNOWN], // bad destination mailbox address syntax
  '1.4': ['filtered', REFUSED], // destination mailbox address ambiguous
  '1.6': ['hasmoved', USER_UNKNOWN], // mailbox has moved, no forwarding address
  '1.7': ['rejected', REFUSED], // bad sender's mailbox address syntax
  '1.8': ['rejected', REFUSED], // bad sender's system address
  '1.9': ['systemerror', UNREACHABLE], // relayed to a non-compliant mailer
  '1.10': ['notaccept', INVALID_DOMAIN], // recipient address has null MX (RFC 7505)
  '2.0': ['filtered', REFUSED], // other mailbox status
  '2.1': ['filtered', REFUSED], // mailbox disabled, not accepting messages
  '2.2': ['mailboxfull', MAILBOX_FULL], // mailbox full
  '2.3': ['exceedlimit', REFUSED], // message length exceeds administrative limit
  '2.4': ['filtered', REFUSED], // mailing list expansion problem
  '3.0': ['systemerror', UNREACHABLE], // other mail system status
  '3.1': ['systemfull', UNREACHABLE], // mail system full
  '3.2': ['notaccept', INVALID_DOMAIN], // system not accepting network messages
  '3.3': ['systemerror', UNREACHABLE], // system not capable of selected features
  '3.4': ['mesgtoobig', REFUSED], // message too big for system
  '3.5': ['systemerror', UNREACHABLE], // system incorrectly configured
  '4.0': ['networkerror', UNREACHABLE], // other network or routing status
  // X.4.1 "no answer from host" is left out: Microsoft and others send 5.4.1 for refused recipients.
  '4.2': ['networkerror', UNREACHABLE], // bad connection
  '4.3': ['systemerror', UNREACHABLE], // directory server failure
  '4.4': ['hostunknown', INVALID_DOMAIN], // unable to route
  '4.5': ['systemfull', UNREACHABLE], // mail system congestion
  '4.6': ['networkerror', UNREACHABLE], // routing loop detected
  '4.7': ['expired', UNREACHABLE], // delivery time expired
  '5.1': ['syntaxerror', REFUSED], // invalid command
  '5.2': ['syntaxerror', REFUSED], // syntax error
  '5.3': ['toomanyconn', UNREACHABLE], // too many recipients
  '5.4': ['systemerror', UNREACHABLE], // invalid command arguments
  '5.5': ['systemerror', UNREACHABLE], // wrong protocol version
  '5.6': ['securityerror', REFUSED], // authentication exchange line too long
  '7.1': ['blocked', REFUSED], // delivery not authorized, message refused
  '7.13': ['suspend', ACCOUNT_DISABLED], // user account disabled
  '7.17': ['hasmoved', USER_UNKNOWN], // mailbox owner has changed
  '7.18': ['hasmoved', USER_UNKNOWN], // domain owner has changed
  '7.25': ['requireptr', REFUSED], // reverse DNS validation failed
  '7.27': ['notaccept', INVALID_DOMAIN], // null MX (RFC 7505)
};

function causeOfStatus(status: string): { cause: string; reasonCode: number } | null {
  if (!status || status.startsWith('2.')) return null;
  const [, subject, detail] = status.split('.');
  const exact = STATUS[`${subject}.${detail}`];
  if (exact) {
    // A temporary 4.4.4 ("unable to route") is a lookup failure that may heal: Unreachable.
    if (status.startsWith('4.') && exact[1] === INVALID_DOMAIN) return { cause: 'networkerror', reasonCode: UNREACHABLE };
    return { cause: exact[0], reasonCode: exact[1] };
  }
  // Other details of a subject (Microsoft's 5.1.351, 5.7.515...): X.1 address problems are about
  // the user, X.6 media and X.7 security problems are refusals.
  if (subject === '1') return { cause: 'userunknown', reasonCode: USER_UNKNOWN };
  if (subject === '6') return { cause: 'contenterror', reasonCode: REFUSED };
  if (subject === '7') return { cause: 'securityerror', reasonCode: REFUSED };
  return null;
}

// SMTP reply codes (RFC 5321 4.2.3) when nothing more specific was said.
function causeOfReply(reply: string, stage: SmtpStage): { cause: string; reasonCode: number } | null {
  if (!reply) return null;
  if (stage === 'CONN' || stage === 'EHLO') return { cause: 'blocked', reasonCode: REFUSED };
  if (reply === '552') return { cause: 'mailboxfull', reasonCode: MAILBOX_FULL }; // exceeded storage allocation
  if (reply === '452') return { cause: 'systemfull', reasonCode: UNREACHABLE }; // insufficient system storage
  if (reply === '421' || reply === '450' || reply === '451') return { cause: 'systemerror', reasonCode: UNREACHABLE };
  if (/^[45]0[0-7]$/.test(reply)) return { cause: 'syntaxerror', reasonCode: REFUSED }; // command syntax errors
  if (reply === '551') return { cause: 'hasmoved', reasonCode: USER_UNKNOWN }; // user not local
  if ((reply === '553' || reply === '550') && stage === 'RCPT') return { cause: 'userunknown', reasonCode: USER_UNKNOWN };
  // Refused at MAIL FROM: the sender was; after the content: the message was.
  if (reply.startsWith('5') && (stage === 'MAIL' || stage === 'DATA')) return { cause: 'rejected', reasonCode: REFUSED };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Providers that answer with their own documented error codes rather than words.

function providerCode(text: string): { cause: string; reasonCode: number } | null {
  // Orange, La Poste (France): "OFR_416", "LPN007_426", "OFR102-104" (postmaster.orange.fr).
  const fr = /\b(?:lpn|lpnaaa|ofr|ouk)(?:_\d{3}|\d{3}[-_]\d{3})\b/.exec(text);
  if (fr) {
    const code = fr[0].slice(-3);
    const byCode: Record<string, [string, number]> = {
      '104': ['toomanyconn', UNREACHABLE],
      '416': ['userunknown', USER_UNKNOWN],
      '417': ['mailboxfull', MAILBOX_FULL],
      '418': ['userunknown', USER_UNKNOWN],
      '420': ['suspend', ACCOUNT_DISABLED],
      '426': ['suspend', ACCOUNT_DISABLED],
      '505': ['systemerror', UNREACHABLE],
    };
    const [cause, reasonCode] = byCode[code] ?? ['rejected', REFUSED];
    return { cause, reasonCode };
  }
  // Spectrum, Charter (US): "AUP#In-1310" (spectrum.net, understanding email error codes).
  const aup = /aup#[a-z-]*(\d{4})/.exec(text);
  if (aup) {
    const n = Number(aup[1]);
    if (n === 1090) return { cause: 'systemerror', reasonCode: UNREACHABLE };
    if (n === 1260) return { cause: 'networkerror', reasonCode: UNREACHABLE };
    if ((n >= 1300 && n <= 1490) || n === 1540 || n === 1550) return { cause: 'toomanyconn', reasonCode: UNREACHABLE };
    return { cause: 'blocked', reasonCode: REFUSED };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Well-known phrasings, in the order they are tried: a reply may say several things ("recipient
// address rejected: mailbox full"), the more specific reason comes first. Texts are normalized
// (lower case, single spaces, addresses as "<addr>", links as their host name).

interface Phrase {
  cause: string;
  code: number;
  re: RegExp;
}
const rx = (parts: string[]) => new RegExp(parts.join('|'));

const PHRASES: Phrase[] = [
  {
    cause: 'mailboxfull',
    code: MAILBOX_FULL,
    re: rx([
      'mail ?(?:box|folder|file|dir) (?:is )?(?:full|over quota)',
      'full mailbox',
      'over (?:the )?(?:allowed )?(?:disk )?quota',
      '(?:disk|mail|mailbox|storage|user|userdisk|domaindisk) quota',
      'quota (?:exceeded|violation|usage exceeded)',
      'quota exceed',
      'mailbox exceeds allowed size',
      'exceeded (?:its |the |their )?(?:storage allocation|(?:mailbox |disk )?quota|disk space)',
      'exceeding (?:its|their) (?:mailbox )?quota',
      'mailbox (?:has )?exceeded',
      'mailbox size limit exceeded',
      'mailbox would exceed',
      'not enough (?:disk |storage )?space',
      'insufficient (?:disk|storage) space',
      'out of (?:storage|disk) space',
      'does not have enough space',
      'recipient reached disk quota',
      "user's space has been used up",
      'user has too many messages',
      'too much mail data',
      'boite du destinataire pleine',
      'is over quota',
      'mailbox full',
    ]),
  },
  {
    cause: 'mesgtoobig',
    code: REFUSED,
    re: rx([
      'message (?:is )?too (?:big|large)',
      'message (?:size|length|file) (?:exceeds|too big)',
      'exceeded maximum inbound message size',
      'max(?:imum)? message size exceeded',
      'message header size exceeds',
      'header size exceeds',
      'size limit',
      'line limit exceeded',
      'recipsizelimit',
      'taille limite du message atteinte',
    ]),
  },
  {
    cause: 'suspend',
    code: ACCOUNT_DISABLED,
    re: rx([
      '(?:account|mailbox|user|recipient) (?:is |has been |was )?(?:currently |temporarily )?(?:suspended|disabled|deactivated|frozen|locked|blocked)',
      'is (?:a )?(?:deactivated|disabled|suspended|inactive) (?:mailbox|account|user)',
      'disabled (?:recipient|mailbox|account|user)',
      'inactive (?:mailbox|account|user)',
      'invalid/inactive user',
      'temporarily inactive',
      'temporary locked',
      'has been (?:suspended|disabled)',
      'disabled or discontinued',
      'mailbox unavailable or access denied',
      'recipient suspend the service',
      'user suspended',
      'account is locked',
      'le compte du destinataire est bloque',
      'boite du destinataire archivee',
      'email account that you tried to reach is disabled',
      'not currently being accepted for this mailbox',
    ]),
  },
  {
    cause: 'hasmoved',
    code: USER_UNKNOWN,
    re: rx(['has been replaced by', 'no longer on (?:this )?server', 'mailbox has moved', 'user (?:has )?moved', 'address has changed']),
  },
  {
    cause: 'norelaying',
    code: REFUSED,
    re: rx([
      'relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed)',
      'unable to relay',
      'not (?:allowed|permitted) to relay',
      'as a relay',
      'insecure mail relay',
      'not an open relay',
      'not a gateway',
      'not local host',
      'relaying mail to',
      'not configured to relay',
      "we don't handle mail for",
      "isn't in my list of allowed rcpthosts",
      'email address is not verified',
    ]),
  },
  {
    // About the sender (its address, its domain): before the recipient rules, which would read
    // "domain of sender address does not exist" as an unknown domain.
    cause: 'rejected',
    code: REFUSED,
    re: rx([
      'sender (?:address |email address |domain )?(?:rejected|refused|denied|blacklisted|not pre-approved|verify failed|is spammer|is in my black list|is empty)',
      'domain of sender address',
      'invalid sender',
      'unroutable sender',
      'from: domain is invalid',
      'mail from not owned',
      'null sender',
      'empty envelope sender',
      'bogus mail from',
      'batv',
      'does not exist e2110',
      'not a registered gateway user',
      'malformed address',
      'all recipient addresses rejected',
    ]),
  },
  {
    // Said by the bouncing system about its own users (a directory, a local delivery agent): no
    // content filter involved, a User unknown whatever the stage.
    cause: 'nouser',
    code: USER_UNKNOWN,
    re: rx([
      'recipient name is not recognized',
      'msexch:ims:.* 000c05a6',
      'not listed in (?:domino directory|public name & address book)',
      '(?:^|[\\s:])unknown user: ', // local delivery agents: "unknown user: name"
      'invalid final delivery userid',
      'check if address is correct',
      // Yahoo's (Oath, Verizon Media) answer for an account that does not exist
      "delivery error: dd (?:this user doesn't have|requested mail box not found|sorry your message to)",
    ]),
  },
  {
    cause: 'userunknown',
    code: USER_UNKNOWN,
    re: rx([
      "(?:user|recipient|mailbox|address|addressee|account|alias|local[- ]part)(?: name)? (?:is )?(?:unknown|not found|not known|not exists?|does(?:n't| not) exist|not valid|invalid|not recognized)",
      'unknown (?:or illegal )?(?:user|recipient|mailbox|address|e-?mail address|local[- ]?part|alias)',
      '(?:no such|invalid|bad|non-?existent|illegal) (?:user|recipient|mailbox|address|person|account|local user|e-?mail address)',
      'no (?:mailbox|account) (?:here )?by that name',
      'no mailbox (?:found|here|available)',
      'no account by that name',
      'not a (?:valid|known) (?:user|recipient|mailbox)',
      'recipient not (?:found|ok)',
      'recipient (?:address )?rejected: (?:access denied|invalid user|user unknown|unknown user|undeliverable address|user .* does not exist)',
      'recipient address rejected\\.?$',
      '(?:user|mailbox) (?:<addr> )?(?:was not found|does not exist|not present|missing home directory|not active|unavailable|is unavailable)',
      'requested action not taken: mailbox unavailable',
      'resolver\\.adr\\.recip(?:ient)?notfound',
      "address (?:couldn't|could not) be found",
      'account that you tried to reach does not exist',
      "doesn't have an? [^ ]+ account",
      'address (?:does not exist|unknown|not present in directory)',
      "can't accept user",
      'check if address is correct',
      'destination addresses were unknown',
      'recipient (?:is )?not local',
      'there is no one at this address',
      'this address no longer accepts mail',
      'no longer (?:valid|available|in use)',
      'utilisateur inconnu',
      'destinataire invalide',
      'nessun utente simile',
      'no existe (?:dicha persona|ese usuario)',
      'vdeliver: invalid or unknown virtual user',
      'badrcptto',
      'archived recipient',
    ]),
  },
  {
    cause: 'hostunknown',
    code: INVALID_DOMAIN,
    re: rx([
      'host (?:or domain name )?(?:unknown|not found)',
      'unknown host',
      'host unreachable',
      'domain (?:does not exist|is not reachable|must exist|not found|name not found)',
      'no such domain',
      'illegal host/domain',
      'unknown domain',
      'invalid domain',
      'unrout(?:e)?able address',
      'name or service not known',
      "couldn't find any host named",
      'mail domain mentioned in email address is unknown',
      'all host address lookups failed permanently',
      'all relevant mx records point to non-existent hosts',
      "domain doesn'?t exist",
      'the account or domain may not exist',
      '\\b553 [a-z0-9-]+(?:\\.[a-z0-9-]+)+ does not exist',
      'nxdomain',
    ]),
  },
  {
    cause: 'notaccept',
    code: INVALID_DOMAIN,
    re: rx([
      'null mx',
      'does not accept mail',
      "doesn't receive email",
      'no mx record',
      'mx or srv record indicated no smtp service',
      "couldn't find a mail exchanger",
      'no route for current request',
      'no host found for existing smtp connection',
      'destination seems? to reject all mails',
    ]),
  },
  {
    cause: 'toomanyconn',
    code: UNREACHABLE,
    re: rx([
      'too many (?:connections|concurrent|smtp sessions|errors|recipients)',
      'connection (?:rate|frequency) limit',
      'exceeds per-domain connection limit',
      'maximum connection limit',
      'emails per hour',
      'throttling failure',
      'trop de connexions',
    ]),
  },
  {
    cause: 'blocked',
    code: REFUSED,
    re: rx([
      'black ?list(?:ed)?',
      'block ?list(?:ed)?',
      'deny ?list(?:ed)?',
      'spamhaus|spamcop|barracudacentral|abuseat|sorbs\\.net|dnsbl|\\brbl\\b|uceprotect',
      'reverse dns',
      'ptr record',
      '\\brdns\\b',
      'dynamic ip',
      'reputation',
      "can't determine purported responsible address",
      'client host (?:rejected|\\S+ blocked)',
      'helo command rejected',
      'not allowed to send',
      'not authorized to send',
      'access from ip address',
      "messages from \\S+ (?:weren't sent|temporarily deferred)",
      'unexpected volume or user complaints',
      'too many unwanted messages',
      'service (?:refused|refuse)',
      'abus[ei]',
      'open relay',
      'no access from mail server',
      'go away',
      'you are not allowed to connect',
      'ip address (?:rejected|blocked)',
    ]),
  },
  {
    cause: 'spamdetected',
    code: REFUSED,
    re: rx([
      'spam',
      '\\bube\\b',
      'unsolicited',
      'bulk (?:e-?)?mail',
      'junk mail',
      'content (?:filter|rejected)',
      'message content rejected',
      'mail rejete',
      'suspicious',
      'greylist',
      'high probability of',
    ]),
  },
  {
    cause: 'virusdetected',
    code: REFUSED,
    re: rx(['virus', 'malware', '\\binfected\\b', 'executable attachment', 'illegal attachment']),
  },
  {
    cause: 'policyviolation',
    code: REFUSED,
    re: rx([
      'polic(?:y|ies)',
      'protocol violation',
      'header error',
      'header are not accepted',
      'multiple addresses in from',
      'rfc ?5322',
      'not rfc',
      'members-only',
      'closed mailing list',
      'not subscribed to this group',
      'permission to post',
      'organizational settings',
      'low priority',
    ]),
  },
  {
    cause: 'securityerror',
    code: REFUSED,
    re: rx([
      'dmarc',
      '\\bspf\\b',
      'dkim',
      'authenticat',
      'authentification',
      'tls required',
      'encryption (?:needed|required)',
      'verification failure',
      'dead domain',
      'could not retrieve credentials',
      'security alert',
    ]),
  },
  {
    cause: 'contenterror',
    code: REFUSED,
    re: rx([
      '8-bit data',
      'mime (?:headers|complexity)',
      'improperly-formatted',
      'base64 encoding',
      'media error',
      'message header',
      'too many "?received"? headers',
      'conversion to internet format failed',
      '- bad header',
    ]),
  },
  {
    cause: 'filtered',
    code: REFUSED,
    re: rx([
      'rejected by (?:the )?recipient domain',
      'refused due to recipient preferences',
      'user reject',
      'message filtered',
      'not accepting (?:any )?mail',
      'only accepting mail from specific',
      'resolver\\.rst\\.notauthorized',
      'this account is protected',
      'you have been blocked by the recipient',
      'cannot route mail to user',
    ]),
  },
  {
    cause: 'networkerror',
    code: UNREACHABLE,
    re: rx([
      'no route to host',
      'host is unreachable',
      'network (?:error|is unreachable)',
      'name server',
      'host name lookup failure',
      'dns (?:error|lookup|records|failure)',
      'hop count exceeded',
      'too many hops',
      'mail(?:ing)? (?:forwarding )?loop',
      'routing loop',
      'message looping',
      'unable to resolve',
      'unrouteable mail domain',
      'could not connect',
      'unable to connect',
      'connection (?:refused|reset|dropped|closed)',
      'no valid route',
      'all routes to destination',
      'no mx found for',
      'temporary failure in mx lookup',
      'loop detected',
      'address family mismatch',
      'bad dns lookup',
      'could not retrieve source address',
      "wasn't able to establish an smtp connection",
      'listed as a best-preference mx',
      'host not reachable',
    ]),
  },
  {
    cause: 'mailererror',
    code: UNREACHABLE,
    re: rx(['procmail', 'maildrop', 'mailer error', 'command (?:failed|died|output)', 'pipe to \\|', 'x-unix', 'exit \\d+', 'child status']),
  },
  {
    cause: 'expired',
    code: UNREACHABLE,
    re: rx([
      'timed? ?out',
      'expired',
      'retry time',
      'giving up',
      'gave up',
      'in the queue too long',
      'have been failing for a long time',
      'could not find a gateway',
      'delivery attempts will continue',
      'did not accept our requests to connect',
      'server did not respond',
      'not (?:been )?collected',
      'not reachable within',
      'could not be delivered for more than',
      'multiple retries',
      'has been delayed',
      'will be retried',
    ]),
  },
  {
    cause: 'systemfull',
    code: UNREACHABLE,
    re: rx(['mail system full', 'system (?:is )?full', 'insufficient system (?:storage|resources)']),
  },
  {
    cause: 'systemerror',
    code: UNREACHABLE,
    re: rx([
      'system (?:error|config)',
      'configuration error',
      'local error',
      'temporary (?:local )?(?:problem|failure)',
      'internal (?:server )?error',
      'service (?:currently )?unavailable',
      'service not available',
      'temporarily unavailable',
      'try again later',
      'insufficient permission',
      'interrupted system call',
      'loops back to myself',
      'misconfigured',
      'transaction failed',
      'encountered an error',
      'delivery to (?:file|pipe) forbidden',
      'local delivery failed',
      'bad interpreter',
    ]),
  },
];

/** Words of refusal that say nothing more specific: read after the status code. */
const GENERIC_REFUSAL = rx([
  'rejected',
  'refused',
  'denied',
  'blocked',
  'not allowed',
  'not permitted',
  'not authorized',
  'prohibited',
  'administrative prohibition',
  'not accepted',
  'filtered',
]);
