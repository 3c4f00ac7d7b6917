// The conformance catalogue: every documented behaviour of the mid-sourcing deployment that midsim
// can check, one requirement each, with its source and the check that proves it. Sources name the
// sections of the product facts gathered in ../shared/DESIGN.md ("The system being modelled").
// Grows with the product: each new capability adds its requirements here.
import * as bounces from '../../harness/conformance/checks/bounces.js';
import * as ref from '../../harness/conformance/checks/reference.js';
import { backoff, boundaryProtocols, everyEventBack, partsOnEveryMid, runCheck, settles, uplinkSmallerThanSmtp } from '../../harness/conformance/checks/run.js';
import * as sites from '../../harness/conformance/checks/sites.js';
import * as smtp from '../../harness/conformance/checks/smtp.js';
import { wsdlClient } from '../../harness/conformance/checks/soap-client.js';
import * as soap from '../../harness/conformance/checks/soap.js';
import * as tracking from '../../harness/conformance/checks/tracking.js';
import type { Contradiction, Requirement } from '../../harness/conformance/types.js';

// Modes (harness/topology/modes.ts): with a mid-sourcing server (one or several), and every mode;
// the minimal architecture's boundary holds on-premise and in the distributed variant of it.
const MS = ['mid-sourcing', 'multi-mid'];
const ALL = ['mid-sourcing', 'on-premise', 'distributed', 'hosted', 'multi-mid'];
const OP = ['on-premise', 'distributed'];

const MID = 'Campaign Classic, Mid-sourcing deployment';
const ARCH = 'Campaign Classic, Deployment types / Minimal architecture';
const PORTS = 'Campaign Classic, Installation: Network configuration / Ports';
const SYNC = 'Campaign Classic, Mid-sourcing: Synchronisation workflows';
const MTA = 'Campaign Classic, Delivery: MTA, MX rules and the stat server';
const QUAL = 'Campaign Classic, Understanding delivery failures / Bounce mail qualification';
const QUAR = 'Campaign Classic, Understanding quarantine management';
const TRK = 'Campaign Classic, Tracking: redirection server';
const SOAP = 'Campaign Classic, SOAP API: xtk:session#Logon, soaprouter.jsp';
const SEC = 'midsim security baseline (OWASP XML External Entity / entity expansion; RFC 5321 4.5.3.1)';

/** Requirements in the order they run: read-only ones first, then the probes that add data. */
export const CATALOGUE: Requirement[] = [
  // Architecture and data leaving the marketing instance
  { id: 'MS-ARCH-01', text: 'In mid-sourcing, the MTA of the marketing instance is disabled: no message leaves it by SMTP.', source: `${MID} (execution and inMail modules disabled on the marketing instance)`, modes: MS, check: runCheck('no-smtp-from-marketing') },
  { id: 'MS-ARCH-02', text: 'In mid-sourcing, the marketing instance reaches the mid only by SOAP over HTTP(S): no other protocol crosses its boundary.', source: `${MID} (SOAP calls over HTTP or HTTPS, ports 80/443 only)`, modes: MS, check: boundaryProtocols(['soap']) },
  { id: 'MS-ARCH-03', text: 'The minimal (on-premise) architecture needs only HTTP in and SMTP in and out across its boundary.', source: `${ARCH} (only two flows: HTTP in from the Internet, SMTP in and out)`, modes: OP, check: boundaryProtocols(['http', 'smtp']) },
  { id: 'MS-ARCH-04', text: 'Each module listens on its documented default port (web 8080, stat 7777, SMTP 25, redirection 80, local control 8005), each configurable.', source: PORTS, modes: ALL, check: ref.documentedPorts },
  { id: 'MS-DATA-01', text: 'Only the data needed to assemble the messages leaves the marketing instance: the template, its links and the fields it uses.', source: `${MID} (only the data needed to assemble the messages)`, modes: MS, check: runCheck('template-fields-only') },
  { id: 'MS-FORM-01', text: 'Web forms stay on the client platform: a subscription is stored on the marketing instance and never at the mid.', source: `${MID} (the marketing instance keeps the database and the web forms)`, modes: ALL, check: sites.formsOnClient },

  // The campaign: nothing lost, nothing twice, statuses back
  { id: 'MS-RUN-01', text: 'Every recipient of a delivery gets exactly one final status, the same on the marketing and the execution site.', source: `${MID}; ${SYNC}`, modes: ALL, check: runCheck('final-status') },
  { id: 'MS-RUN-02', text: 'No message is lost: delivered + failed + ignored equals the recipients.', source: `${MID} (delivery logs synchronised back)`, modes: ALL, check: runCheck('nothing-lost') },
  { id: 'MS-RUN-03', text: 'No recipient receives a message twice.', source: `${MID}; ${SOAP} (AppendDeliveryPart)`, modes: ALL, check: runCheck('no-duplicates') },
  { id: 'MS-RUN-04', text: 'After the campaign both sites settle: nothing is left pending, unsynchronised or untracked.', source: `${MID}; ${SYNC}`, modes: ALL, check: settles },
  { id: 'MS-RUN-05', text: 'Every asynchronous bounce a remote MX sends back is received and recorded once.', source: `${QUAL} (asynchronous bounces arrive to inMail)`, modes: ALL, check: everyEventBack('bounces') },
  { id: 'MS-RUN-06', text: 'Every open and click a recipient makes is recorded by the redirector and visible on the marketing instance.', source: `${TRK}; ${SYNC} (GetTrackingLogs)`, modes: ALL, check: everyEventBack('tracking') },
  { id: 'MS-DATA-02', text: 'Mid-sourcing needs limited bandwidth: the instance->mid uplink carries fewer bytes than the SMTP messages the mid sends for it.', source: `${MID} (limited bandwidth; 1 Mb/s per 10,000 emails an hour)`, modes: MS, check: uplinkSmallerThanSmtp },
  { id: 'MS-MULTI-01', text: 'With several mid servers, the parts of one delivery are split across them (alternating routing) and their logs consolidate into the one delivery.', source: `${MID} (several mid-sourcing servers, alternating routing)`, modes: ['multi-mid'], check: partsOnEveryMid },
  { id: 'MS-HOST-01', text: 'In the hosted (ASP) deployment the client reaches its instance only over HTTP(S) across the WAN; nothing else crosses its boundary.', source: 'Campaign Classic, Deployment types / Hosted (ASP)', modes: ['hosted'], check: boundaryProtocols(['http']) },
  { id: 'MS-SYNC-01', text: 'Every broadLogMid row maps back to its marketing broadLog through mktBroadLogId (same delivery, same address).', source: `${SYNC} (broadLogMid.mktBroadLogId)`, modes: MS, check: sites.mktIdMapping },
  { id: 'MS-SYNC-02', text: 'The delivery logs sync brings each status, failure type and failure reason back unchanged.', source: `${SYNC} (GetDeliveryLogs)`, modes: MS, check: sites.syncUnchanged },
  { id: 'MS-SYNC-03', text: 'Statuses reach the marketing instance within the delivery-logs period plus a bounded catch-up ("a slight delay").', source: `${SYNC} (hence a slight delay in reporting)`, modes: MS, check: runCheck('caught-up') },
  { id: 'MS-SYNC-04', text: 'Tracking logs (opens and clicks) are brought back to the marketing instance by the tracking-logs sync.', source: `${SYNC} (GetTrackingLogs)`, modes: MS, check: sites.trackingSynced },
  { id: 'MS-SYNC-05', text: 'The delivery counters sync carries counts only, no opens or clicks (those come with the tracking logs).', source: `${SYNC} (GetDeliveryCounters)`, modes: MS, check: soap.countersWithoutTracking },
  { id: 'MS-SYNC-06', text: 'Tracking logs are read in batches: 1000 per request by default, the cursor pages through the rest.', source: `${SYNC} (GetTrackingLogs, 1000 per request)`, modes: MS, check: soap.trackingBatches },
  { id: 'MS-SYNC-07', text: 'Sync periods default to 10 min for counters and 1 h for delivery and tracking logs (configurable).', source: `${SYNC} (default schedules)`, modes: MS, check: ref.syncDefaults },
  { id: 'MS-SYNC-08', text: 'GetDeliveryLogs answers only the calling instance its own logs.', source: `${SYNC}; ${MID} (several marketing instances per mid)`, modes: MS, check: soap.instanceIsolation },

  // MTA
  { id: 'MS-MTA-01', text: 'The MTA respects each MX rule: simultaneous connections and messages per hour, spread over 12 periods.', source: `${MTA} (MX rules; hourly quota in 12 five-minute periods)`, modes: ALL, check: runCheck('quota') },
  { id: 'MS-MTA-02', text: 'An SMTP answer 550-599 fails the message.', source: `${MTA} (SMTP 550-599 = message failed)`, modes: ALL, check: sites.smtp5xxFailed },
  { id: 'MS-MTA-03', text: 'After a temporary failure the MTA retries with back-off: 5 s, 10 s, 20 s, 40 s, 2 min...', source: `${MTA} (retries)`, modes: ALL, check: backoff },
  { id: 'MS-MTA-04', text: 'The MTA refuses to start without a stat server address.', source: `${MTA} (the MTA asks the stat server for tokens)`, modes: ALL, check: ref.mtaNeedsStatServer },

  // Tracking
  { id: 'MS-TRK-01', text: "/r/test answers <redir status='OK' .../>.", source: `${TRK} (testing the redirection server)`, modes: ALL, check: tracking.redirTest },
  { id: 'MS-TRK-02', text: 'The open pixel is url id 1: /r/?id=h<broadLog>,<delivery>,1 answers an image.', source: `${TRK} (open tracking)`, modes: ALL, check: tracking.openPixel },
  { id: 'MS-TRK-03', text: 'A click URL /r/?id=h<broadLogHex>,<deliveryHex>,<urlHex> redirects (302) to the URL registered for the delivery.', source: `${TRK} (click URLs)`, modes: ALL, check: tracking.clickRedirect },
  { id: 'MS-TRK-04', text: '/r/ redirects only to registered URLs: never to a ?url= parameter, an unknown url id or a forged id (no open redirect).', source: `${TRK}; ${SEC}`, modes: ALL, check: tracking.noOpenRedirect },

  // SOAP
  { id: 'MS-SOAP-01', text: 'xtk:session#Logon as operator mid returns a session token and a security token.', source: `${SOAP}; ${MID} (the remote instance logs on as operator mid)`, modes: MS, check: soap.logonTokens },
  { id: 'MS-SOAP-02', text: 'Logon with a wrong password is refused with a SOAP Fault.', source: SOAP, modes: MS, check: soap.logonWrongPassword },
  { id: 'MS-SOAP-03', text: 'A call without a valid session token is refused with a SOAP Fault.', source: SOAP, modes: MS, check: soap.noSessionToken },
  { id: 'MS-SOAP-04', text: 'A call without the security token (X-Security-Token), or with a wrong one, is refused with a SOAP Fault.', source: SOAP, modes: MS, check: soap.noSecurityToken },
  { id: 'MS-SOAP-05', text: 'An unknown method gets a SOAP Fault and the router keeps answering.', source: SOAP, modes: MS, check: soap.unknownMethod },
  { id: 'MS-SOAP-06', text: 'Malformed XML (truncated, not XML, empty, mismatched tags) gets a SOAP Fault, never a crash.', source: `${SOAP}; ${SEC}`, modes: MS, check: soap.malformedXml },
  { id: 'MS-SOAP-07', text: 'A request body over the size limit gets a SOAP Fault, never a crash.', source: `${SOAP}; ${SEC}`, modes: MS, check: soap.oversizeBody },
  { id: 'MS-SOAP-08', text: 'XML entity expansion (billion laughs) is refused with a SOAP Fault, quickly.', source: SEC, modes: MS, check: soap.entityExpansion },
  { id: 'MS-SOAP-09', text: 'External XML entities are refused with a SOAP Fault (no file is read).', source: SEC, modes: MS, check: soap.externalEntity },
  { id: 'MS-SOAP-12', text: 'The session token is also accepted as the __sessiontoken cookie (with the security token header); a wrong one is refused.', source: SOAP, modes: MS, check: soap.sessionCookie },
  { id: 'MS-SOAP-13', text: 'A batch size out of range (0, negative, not a number, over the maximum) is refused with a Client Fault.', source: `${SYNC} (GetDeliveryLogs, 1000 per request); ${SEC}`, modes: MS, check: soap.badBatchSize },
  { id: 'MS-SOAP-14', text: 'An invalid delivery part (a bad address, no template) is refused with a Client Fault and nothing of it is stored.', source: `${SOAP} (AppendDeliveryPart)`, modes: MS, check: soap.invalidPart },
  { id: 'MS-SOAP-10', text: 'AppendDeliveryPart is idempotent: a part sent twice is stored once.', source: `${SOAP} (AppendDeliveryPart carries the delivery parts); ${MID}`, modes: MS, check: soap.idempotentPart },
  { id: 'MS-SOAP-11', text: 'The WSDL served at /nl/jsp/schemawsdl.jsp is consumable by a standard SOAP client (node soap), which logs on and appends a delivery part.', source: `${SOAP} (schemawsdl.jsp)`, modes: MS, check: wsdlClient },

  // The bounce handler's SMTP intake, with real clients
  { id: 'MS-SMTP-01', text: 'The bounce handler answers EHLO advertising PIPELINING, SIZE and 8BITMIME (swaks).', source: `${QUAL} (asynchronous bounces arrive to inMail); RFC 2920, 1870, 6152`, modes: ALL, check: smtp.smtpExtensions },
  { id: 'MS-SMTP-02', text: 'The bounce handler answers unknown and out-of-sequence commands and bad syntax with 5xx.', source: 'RFC 5321 4.2.4, 4.3.2', modes: ALL, check: smtp.smtpBadCommands },
  { id: 'MS-SMTP-03', text: 'The bounce handler refuses a message over its size limit with 552 and keeps answering (swaks).', source: 'RFC 1870; RFC 5321 4.5.3.1.10', modes: ALL, check: smtp.smtpOversize },
  { id: 'MS-SMTP-04', text: 'Garbage on the SMTP intake (binary noise, an over-long line) does not crash the bounce handler.', source: SEC, modes: ALL, check: smtp.smtpGarbage },
  { id: 'MS-SMTP-06', text: 'The bounce handler answers HELO as well as EHLO.', source: 'RFC 5321 4.1.1.1', modes: ALL, check: smtp.smtpHelo },
  { id: 'MS-SMTP-07', text: 'The bounce handler accepts the null reverse-path (MAIL FROM:<>) that bounces come from.', source: `${QUAL} (asynchronous bounces arrive to inMail); RFC 5321 4.5.5`, modes: ALL, check: smtp.smtpNullSender },
  { id: 'MS-SMTP-08', text: 'A declared SIZE over the limit is refused at MAIL FROM with 552, before any data.', source: 'RFC 1870 6', modes: ALL, check: smtp.smtpDeclaredSize },
  { id: 'MS-SMTP-05', text: "The bounce handler takes concurrent sessions from Postfix's smtp-source.", source: `${QUAL} (inMail mailbox)`, modes: ALL, check: smtp.smtpSource },

  // Qualification and quarantine
  { id: 'MS-QUAL-01', text: 'Bounce qualification gets the failure reason right for at least 95% of the labelled real bounces (per-reason precision and recall reported).', source: `${QUAL} (reasons with fixed codes)`, modes: ALL, check: ref.bounceQualification },
  { id: 'MS-QUAL-02', text: 'A "mailbox full" DSN fails the message Soft, reason 5 Mailbox full, without quarantining the address.', source: `${QUAL} (5 Mailbox full, Soft)`, modes: ALL, check: bounces.mailboxFullSoft },
  { id: 'MS-QUAL-03', text: 'A bounce about another instance\'s message (its Message-ID names another instance) changes no message and no quarantine here.', source: `${QUAL}; ${MID} (several instances per mid)`, modes: ALL, check: bounces.otherInstance },
  { id: 'MS-QUAL-04', text: 'The same bounce received twice fails the message once and counts one error.', source: `${QUAR} (error counts)`, modes: ALL, check: bounces.duplicateBounce },
  { id: 'MS-QUAR-01', text: 'A Hard error ("user unknown" DSN) fails the message Hard, reason 1, and quarantines the address at once.', source: `${QUAR} (Hard errors quarantine at once)`, modes: ALL, check: bounces.hardAtOnce },
  { id: 'MS-QUAR-02', text: 'Soft errors count towards quarantine: the address is quarantined at the 5th soft error, not before.', source: `${QUAR} (threshold 5 by default); see contradiction C1`, modes: ALL, check: bounces.softThreshold },
  { id: 'MS-QUAR-03', text: 'The soft error threshold defaults to 5 and is configurable (inMail/mta quarantine.softThreshold).', source: `${QUAR}; see contradiction C1`, modes: ALL, check: ref.softThresholdDefault },
];

/** Where the documentation contradicts itself. */
export const CONTRADICTIONS: Contradiction[] = [
  {
    id: 'C1',
    topic: 'The soft error that quarantines an address',
    readings: [
      { reading: 'Quarantined when the soft error count reaches the threshold, 5 by default: at the 5th soft error.', source: `${QUAR} (soft errors count towards quarantine, threshold 5 by default); ../shared/DESIGN.md` },
      { reading: 'Quarantined at the 6th soft error (retried while the count is at most 5).', source: `${QUAR} (other pages: the address is quarantined on the 6th soft error)` },
    ],
    follows: 'the 5th',
    why: 'It is the reading of the configuration parameter itself (a threshold of 5), and the one the design notes record; the 6th reading counts the first error as the initial attempt.',
    config: 'quarantine.softThreshold: 6 in the inMail and mta config sections gives the other reading; a target file says which reading its system follows (softQuarantineAt: 6).',
    requirement: 'MS-QUAR-02',
  },
  {
    id: 'C2',
    topic: 'How often the marketing instance synchronises with the mid',
    readings: [
      { reading: 'Delivery counters every 10 minutes, delivery logs and tracking logs every hour.', source: `${SYNC} (technical workflows: default schedules)` },
      { reading: 'Synchronisation "every 1 hour and 20 minutes".', source: `${MID} (other pages: synchronisation every 1 hour and 20 minutes)` },
    ],
    follows: '10 min for counters, 1 h for logs',
    why: 'The workflow-by-workflow schedules are specific and agree with the GetTrackingLogs page; "1 h 20 min" matches none of the workflows.',
    config: 'web.sync.countersPeriod / deliveryLogsPeriod / trackingLogsPeriod ("1h20m" gives the other reading); scenarios set sync periods too.',
    requirement: 'MS-SYNC-07',
  },
  {
    id: 'C3',
    topic: 'Release of an address quarantined for "Mailbox full"',
    readings: [
      { reading: 'Released automatically after 30 days (the error is Soft; the quarantine is cleaned up).', source: `${QUAR} (database cleanup of quarantines)` },
      { reading: 'Never released automatically: it stays quarantined until removed by hand.', source: `${QUAR} (quarantine statuses: released only by an operator)` },
    ],
    follows: 'never released automatically',
    why: 'The reference has no cleanup workflow: nothing releases a quarantine, which is the conservative reading (no mail to an address that may still be full). Not checked: a 30-day wait is out of a run\'s reach, and implementing a release is not cheap enough to make it selectable yet.',
  },
];
