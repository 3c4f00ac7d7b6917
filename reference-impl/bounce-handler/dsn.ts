// Readers for the two machine-readable report formats a bounce may carry:
//   - RFC 3464 message/delivery-status: per-message fields, then one block of fields per
//     recipient (Final-Recipient, Original-Recipient, Action, Status, Diagnostic-Code, Remote-MTA);
//   - RFC 5965 (ARF) message/feedback-report: a complaint about one message.
// Both are header-like fields with folded lines. Real reports are often sloppy (no blank line
// between blocks, fields in odd order, the report pasted into a text part), so the readers look
// for the fields rather than trust the structure.

export interface DsnRecipient {
  finalRecipient: string;
  originalRecipient: string;
  /** failed | delayed | delivered | relayed | expanded (lower case), "" when absent */
  action: string;
  status: string;
  /** "smtp", "x-unix", "x-postfix"... the type part of Diagnostic-Code */
  diagnosticType: string;
  diagnostic: string;
  remoteMta: string;
}

export interface DeliveryStatus {
  reportingMta: string;
  recipients: DsnRecipient[];
}

interface Field {
  name: string;
  value: string;
}

/** Header-like fields of a text, with folded lines unfolded; a blank line is a null field. */
export function readFields(text: string): (Field | null)[] {
  const out: (Field | null)[] = [];
  let last: Field | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*$/.test(line)) {
      out.push(null);
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      last.value += ' ' + line.trim();
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(line);
    if (m) {
      last = { name: m[1].toLowerCase(), value: m[2].trim() };
      out.push(last);
    } else {
      last = null;
    }
  }
  return out;
}

/** "rfc822; user@example.org" -> "user@example.org" (the address type is dropped). */
function typed(value: string): { type: string; value: string } {
  const m = /^([A-Za-z0-9-]+)\s*;\s*(.*)$/s.exec(value);
  return m ? { type: m[1].toLowerCase(), value: m[2].trim() } : { type: '', value: value.trim() };
}

function address(value: string): string {
  const v = typed(value).value.replace(/^<|>$/g, '').trim();
  return v;
}

const RECIPIENT_FIELDS = new Set([
  'final-recipient',
  'original-recipient',
  'action',
  'status',
  'diagnostic-code',
  'remote-mta',
  'last-attempt-date',
  'will-retry-until',
  'x-actual-recipient',
]);

/** The delivery-status fields found in a text, or null when it holds no per-recipient block. */
export function readDeliveryStatus(text: string): DeliveryStatus | null {
  let reportingMta = '';
  const recipients: DsnRecipient[] = [];
  let current: DsnRecipient | null = null;
  const open = (): DsnRecipient => {
    current = {
      finalRecipient: '',
      originalRecipient: '',
      action: '',
      status: '',
      diagnosticType: '',
      diagnostic: '',
      remoteMta: '',
    };
    recipients.push(current);
    return current;
  };
  for (const f of readFields(text)) {
    if (!f) {
      current = null; // a blank line ends a recipient block
      continue;
    }
    if (f.name === 'reporting-mta') {
      reportingMta = typed(f.value).value;
      continue;
    }
    if (!RECIPIENT_FIELDS.has(f.name)) continue;
    let r: DsnRecipient = current ?? open();
    // Blocks without a blank line between them: a second recipient field starts a new block.
    if ((f.name === 'final-recipient' && r.finalRecipient) || (f.name === 'original-recipient' && r.originalRecipient)) r = open();
    if (f.name === 'final-recipient' && r.originalRecipient && r.action) r = open();
    switch (f.name) {
      case 'final-recipient':
        r.finalRecipient = address(f.value);
        break;
      case 'original-recipient':
        r.originalRecipient = address(f.value);
        break;
      case 'action':
        r.action = f.value.toLowerCase().split(/[\s(;]/)[0];
        break;
      case 'status':
        r.status = (/\d\.\d{1,3}\.\d{1,3}/.exec(f.value) ?? [''])[0];
        break;
      case 'diagnostic-code': {
        const d = typed(f.value);
        r.diagnosticType = d.type;
        r.diagnostic = d.value;
        break;
      }
      case 'remote-mta':
        r.remoteMta = typed(f.value).value;
        break;
    }
  }
  const valid = recipients.filter((r) => (r.finalRecipient || r.originalRecipient) && (r.action || r.status));
  return valid.length ? { reportingMta, recipients: valid } : null;
}

export interface FeedbackReport {
  feedbackType: string;
  userAgent: string;
  originalMailFrom: string;
  originalRcptTo: string[];
  reportedDomain: string[];
  sourceIp: string;
  arrivalDate: string;
}

/** The fields of an ARF message/feedback-report (RFC 5965), or null when it has no Feedback-Type. */
export function readFeedbackReport(text: string): FeedbackReport | null {
  const r: FeedbackReport = {
    feedbackType: '',
    userAgent: '',
    originalMailFrom: '',
    originalRcptTo: [],
    reportedDomain: [],
    sourceIp: '',
    arrivalDate: '',
  };
  for (const f of readFields(text)) {
    if (!f) continue;
    if (f.name === 'feedback-type') r.feedbackType = f.value.toLowerCase();
    else if (f.name === 'user-agent') r.userAgent = f.value;
    else if (f.name === 'original-mail-from') r.originalMailFrom = address(f.value);
    else if (f.name === 'original-rcpt-to' || f.name === 'removal-recipient') r.originalRcptTo.push(address(f.value));
    else if (f.name === 'reported-domain') r.reportedDomain.push(f.value);
    else if (f.name === 'source-ip') r.sourceIp = f.value;
    else if (f.name === 'arrival-date' || f.name === 'received-date') r.arrivalDate = f.value;
  }
  return r.feedbackType ? r : null;
}
