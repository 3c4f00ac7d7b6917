import { describe, expect, it } from 'vitest';
import { diagnose, findReplyCode, findStage, findStatus, normalize, qualify, qualifyDiagnostic, qualifySmtpReply, REASONS } from './qualification.js';

const code = (d: Parameters<typeof qualifyDiagnostic>[0]) => qualifyDiagnostic(d).reasonCode;

describe('qualify', () => {
  it('gives the documented reasons with their fixed codes and types', () => {
    expect(qualify(1)).toEqual({ reasonCode: 1, reason: 'User unknown', type: 'Hard' });
    expect(qualify(5)).toEqual({ reasonCode: 5, reason: 'Mailbox full', type: 'Soft' });
    expect(qualify(8)).toEqual({ reasonCode: 8, reason: 'Denylisted address', type: 'Hard' });
    expect(qualify(20)).toEqual({ reasonCode: 20, reason: 'Refused', type: 'Soft' });
    expect(qualify(25)).toEqual({ reasonCode: 25, reason: 'Error ignored', type: 'Ignored' });
    expect(Object.keys(REASONS).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 20, 25]);
  });
  it('maps an unknown code to Not defined', () => {
    expect(qualify(99)).toEqual({ reasonCode: 0, reason: 'Not defined', type: 'Soft' });
  });
});

describe('qualifySmtpReply (the MTA, synchronously)', () => {
  it.each([
    [{ code: 550, enhanced: '5.1.1', text: '<a@x.test>: Recipient address rejected: User unknown in local recipient table' }, 1],
    [{ code: 452, enhanced: '4.2.2', text: 'Mailbox full' }, 5],
    [{ code: 552, text: 'Requested mail action aborted: exceeded storage allocation' }, 5],
    [{ code: 550, enhanced: '5.1.2', text: 'Host unknown' }, 2],
    [{ code: 554, enhanced: '5.7.1', text: 'Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org' }, 20],
    [{ code: 550, enhanced: '5.7.1', text: 'Relaying denied' }, 20],
    [{ code: 421, enhanced: '4.4.2', text: 'Connection timed out' }, 3],
    [{ code: 451, enhanced: '4.7.1', text: 'Greylisted, please try again in 5 minutes' }, 20],
    [{ code: 550, enhanced: '5.7.13', text: 'Disabled recipient address' }, 4],
    [{ code: 550, text: 'Unknown user', stage: 'DATA' as const }, 20],
    [{ code: 550, text: 'Unknown user', stage: 'RCPT' as const }, 1],
  ])('%o -> %i', (reply, expected) => {
    expect(qualifySmtpReply(reply).reasonCode).toBe(expected);
  });
});

describe('qualifyDiagnostic (bounces)', () => {
  it('reads the wording before the status code', () => {
    // 5.1.1 says "bad mailbox" but the server says why: it is full.
    expect(code({ status: '5.1.1', diagnostic: '550 5.1.1 <a@x.test>... Not enough disk space' })).toBe(5);
    expect(code({ status: '5.5.0', diagnostic: '550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked.' })).toBe(4);
    expect(code({ status: '5.3.0', diagnostic: '554 5.3.0 <a@x.test>: Recipient address rejected: Mailer error' })).toBe(3);
  });
  it('falls back on the status code, then on generic refusals, then on the reply code', () => {
    expect(code({ status: '5.1.1', diagnostic: '550 5.1.1 Address rejected a@x.test' })).toBe(1);
    expect(code({ status: '5.2.2', diagnostic: '' })).toBe(5);
    expect(code({ status: '5.7.1', diagnostic: '' })).toBe(20);
    expect(code({ status: '5.6.9', diagnostic: '' })).toBe(20);
    expect(code({ diagnostic: '550 Message rejected' })).toBe(20);
    expect(code({ diagnostic: '503 Improper sequence of commands' })).toBe(20);
  });
  it('never reads a mailbox name or a link as the reason', () => {
    expect(code({ diagnostic: '550 <mailboxfull@x.test>: User unknown', stage: 'RCPT' })).toBe(1);
    expect(code({ diagnostic: 'Recipient address rejected: User unknown. See https://x.test/reason/#mailboxfull', stage: 'RCPT' })).toBe(1);
    expect(normalize('See <a@b.example> and https://www.spamhaus.org/query/bl?ip=1')).toBe('see <addr> and www.spamhaus.org');
  });
  it('takes "user unknown" after the content (DATA) as a filter refusing it', () => {
    expect(code({ diagnostic: '550 Unknown user a@x.test', stage: 'DATA' })).toBe(20);
    expect(code({ diagnostic: '550 Unknown user a@x.test (in reply to RCPT TO command)' })).toBe(1);
    expect(code({ status: '5.1.1', diagnostic: '550 unknown user', stage: 'DATA' })).toBe(1);
  });
  it('reads refusals at connection time as refusing the sender, not the recipient', () => {
    expect(code({ diagnostic: 'Connected to 192.0.2.1 but my name was rejected. Remote host said: 501 5.0.0 Invalid domain name' })).toBe(20);
    expect(code({ diagnostic: 'server refused to talk to me: 421 Service not available, closing transmission channel' })).toBe(20);
  });
  it('qualifies unreachable destinations, temporary DNS failures and expired messages as Unreachable', () => {
    expect(code({ diagnostic: 'connect to mx.x.test[192.0.2.2]:25: No route to host', action: 'delayed' })).toBe(3);
    expect(code({ status: '4.0.0', diagnostic: "DNS Error: DNS type 'mx' lookup of x.test responded with code NXDOMAIN" })).toBe(3);
    expect(code({ status: '5.4.4', diagnostic: 'Host or domain name not found. Name service error for name=x.test type=A: Host not found' })).toBe(2);
    expect(code({ diagnostic: 'retry timeout exceeded' })).toBe(3);
    expect(code({ action: 'delayed', diagnostic: '' })).toBe(3);
  });
  it('knows a null MX, full systems and mailer errors', () => {
    expect(code({ diagnostic: "The domain x.test doesn't receive email according to the administrator: returned Null MX" })).toBe(2);
    expect(code({ status: '4.3.1', diagnostic: '452 4.3.1 Insufficient system resources' })).toBe(3);
    expect(code({ diagnostic: 'pipe to |/usr/local/bin/filter' })).toBe(3);
  });
  it('leaves what it cannot read Not defined', () => {
    expect(diagnose({ diagnostic: 'Something odd happened' })).toEqual({ cause: 'onhold', reasonCode: 0 });
    expect(diagnose({})).toEqual({ cause: 'undefined', reasonCode: 0 });
  });
});

describe('text helpers', () => {
  it('find status codes, reply codes and SMTP stages', () => {
    expect(findStatus('550-5.7.26 Unauthenticated email')).toBe('5.7.26');
    expect(findStatus('Sorry, no mailbox here by that name. (#5.1.1)')).toBe('5.1.1');
    expect(findStatus('host 192.0.2.1 said: 550 denied')).toBe('');
    expect(findReplyCode('host mx [192.0.2.222]: 550 5.2.2 Mailbox Full')).toBe('550');
    expect(findReplyCode('remote 192.168.450.1 says hello')).toBe('');
    expect(findStage('said: 550 (in reply to\n    RCPT TO command)')).toBe('RCPT');
    expect(findStage('SMTP error from remote mail server after end of data: 550')).toBe('DATA');
    expect(findStage('SMTP error from remote mail server after MAIL FROM:<a@x.test>')).toBe('MAIL');
    expect(findStage('refused to talk to me: 554')).toBe('CONN');
  });
});
