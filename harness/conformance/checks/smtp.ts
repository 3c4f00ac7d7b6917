// The bounce handler's SMTP intake, driven by real independent clients: swaks (EHLO extensions,
// an oversize message) and Postfix's smtp-source (concurrent sessions); bad commands and garbage
// over a raw socket, after which the server must still answer.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../target.js';
import { fail, pass, verdict, type CheckFn } from '../types.js';

const SMTP_SOURCE = ['/usr/sbin/smtp-source', '/usr/bin/smtp-source'].find(existsSync) ?? 'smtp-source';

function exec(cmd: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    let p;
    try {
      p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      return resolve({ code: null, out: (e as Error).message });
    }
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, out: `${cmd}: ${e.message}` });
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const hostPort = (t: Target) => {
  const [host, port] = t.inMail.smtp.split(':');
  return { host, port };
};
const swaks = (t: Target, ...args: string[]) => {
  const { host, port } = hostPort(t);
  return exec('swaks', ['--server', host, '--port', port, '--ehlo', 'conformance.test', '--from', 'probe@conformance.test', '--to', `postmaster@${t.probeDomain}`, ...args]);
};

/** EHLO with swaks: the server is up, and says so. */
async function ehlo(t: Target): Promise<{ ok: boolean; lines: string[]; out: string }> {
  const r = await swaks(t, '--quit-after', 'EHLO');
  const lines = r.out.split('\n').filter((l) => l.startsWith('<-')).map((l) => l.slice(3).trim());
  return { ok: r.code === 0 && lines.some((l) => /^250[ -]/.test(l)), lines, out: r.out };
}

export const smtpExtensions: CheckFn = async ({ target }) => {
  const e = await ehlo(target);
  if (!e.ok) return fail(`swaks EHLO failed: ${e.out.trim().split('\n').slice(-3).join(' | ')}`);
  const has = (x: string) => e.lines.some((l) => new RegExp(`^250[ -]${x}\\b`, 'i').test(l));
  const missing = ['PIPELINING', 'SIZE', '8BITMIME'].filter((x) => !has(x));
  const size = e.lines.find((l) => /^250[ -]SIZE/i.test(l));
  return verdict(missing.length === 0, `EHLO answered ${e.lines.filter((l) => l.startsWith('250')).join(' / ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${size ? '' : ''}`);
};

/** One SMTP conversation over a raw socket: each line sent, and the reply code it got. */
function converse(t: Target, lines: (string | Buffer)[], timeoutMs = 10_000): Promise<string[]> {
  const { host, port } = hostPort(t);
  return new Promise((resolve) => {
    const replies: string[] = [];
    let buf = '';
    let i = -1; // -1: waiting for the banner
    const s = connect(Number(port), host);
    const timer = setTimeout(() => s.destroy(), timeoutMs);
    const next = () => {
      i++;
      if (i < lines.length) s.write(typeof lines[i] === 'string' ? `${lines[i]}\r\n` : lines[i]);
      else s.end('QUIT\r\n');
    };
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let at;
      while ((at = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, at).trimEnd();
        buf = buf.slice(at + 1);
        if (/^\d{3} /.test(line)) {
          replies.push(line);
          next();
        }
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(replies);
    });
  });
}

export const smtpBadCommands: CheckFn = async ({ target }) => {
  const cmds = ['EHLO conformance.test', 'FROBNICATE now', 'RCPT TO:<postmaster@x.test>', 'MAIL FROM:<broken', 'DATA'];
  const r = await converse(target, cmds);
  // r[0] is the banner, r[k] answers cmds[k-1].
  const wanted = [1, 2, 3, 4].map((k) => ({ cmd: cmds[k], reply: r[k + 1] ?? '(no reply)' }));
  const bad = wanted.filter((w) => !/^5\d\d /.test(w.reply));
  return verdict(/^250 /.test(r[1] ?? '') && bad.length === 0, wanted.map((w) => `${w.cmd} -> ${w.reply.slice(0, 60)}`).join('; '));
};

export const smtpOversize: CheckFn = async ({ target }) => {
  const dir = mkdtempSync(join(tmpdir(), 'midsim-oversize-'));
  try {
    const file = join(dir, 'big.eml');
    const line = `${'x'.repeat(998)}\r\n`;
    const n = Math.ceil((target.inMail.maxMessageBytes + 64 * 1024) / line.length);
    writeFileSync(file, `Subject: oversize probe\r\nFrom: probe@conformance.test\r\n\r\n${line.repeat(n)}`);
    const r = await swaks(target, '--data', `@${file}`);
    const replies = r.out.split('\n').filter((l) => /^<\*\*|^<-/.test(l)).map((l) => l.slice(3).trim());
    // The answer to the end of the data (swaks then says QUIT and gets 221).
    const last = replies.find((l) => /^5\d\d\b/.test(l)) ?? replies.filter((l) => !/^221\b/.test(l)).pop() ?? r.out.trim().split('\n').pop() ?? '';
    const after = await ehlo(target);
    return verdict(/^552\b/.test(last) && after.ok, `a ${(n * line.length / 1024 / 1024).toFixed(1)} MiB message (limit ${(target.inMail.maxMessageBytes / 1024 / 1024).toFixed(1)} MiB): ${last}; ${after.ok ? 'EHLO answered afterwards' : 'no answer afterwards'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const smtpGarbage: CheckFn = async ({ target }) => {
  const noise = Buffer.alloc(64 * 1024);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) & 0xff;
  await converse(target, [noise, Buffer.from(`${'A'.repeat(100_000)}\r\n`), Buffer.from([0, 0xff, 0x0d, 0x0a])], 5_000);
  const after = await ehlo(target);
  return after.ok ? pass(`64 KiB of binary noise and a 100 kB line, then swaks EHLO: ${after.lines[0] ?? ''}`) : fail(`the server no longer answers after garbage: ${after.out.trim().split('\n').slice(-2).join(' | ')}`);
};

export const smtpSource: CheckFn = async ({ target }) => {
  const { host, port } = hostPort(target);
  // 20 messages over 4 concurrent sessions, 5 per session.
  const r = await exec(SMTP_SOURCE, ['-c', '-m', '20', '-s', '4', '-r', '5', '-f', 'probe@conformance.test', '-t', `postmaster@${target.probeDomain}`, `${host}:${port}`]);
  const after = await ehlo(target);
  return verdict(r.code === 0 && after.ok, `smtp-source -m 20 -s 4 -r 5: exit ${r.code}${r.out.trim() ? ` (${r.out.trim().split('\n').pop()!.slice(0, 100)})` : ''}; ${after.ok ? 'EHLO answered afterwards' : 'no answer afterwards'}`);
};

export const smtpHelo: CheckFn = async ({ target }) => {
  const r = await converse(target, ['HELO conformance.test']);
  return verdict(/^250 /.test(r[1] ?? ''), `HELO -> ${r[1] ?? '(no reply)'}`);
};

/** Bounces come from the null reverse-path (RFC 5321 4.5.5): MAIL FROM:<> must be accepted. */
export const smtpNullSender: CheckFn = async ({ target }) => {
  const r = await converse(target, ['EHLO conformance.test', 'MAIL FROM:<>', `RCPT TO:<bounce@${target.probeDomain}>`, 'RSET']);
  return verdict(/^250 /.test(r[2] ?? '') && /^250 /.test(r[3] ?? ''), `MAIL FROM:<> -> ${r[2] ?? '(no reply)'}; RCPT TO -> ${r[3] ?? '(no reply)'}`);
};

/** RFC 1870: a declared SIZE over the limit is refused at MAIL FROM with 552, before any data. */
export const smtpDeclaredSize: CheckFn = async ({ target }) => {
  const size = target.inMail.maxMessageBytes + 1;
  const r = await converse(target, ['EHLO conformance.test', `MAIL FROM:<> SIZE=${size}`]);
  return verdict(/^552 /.test(r[2] ?? ''), `MAIL FROM:<> SIZE=${size} (limit ${target.inMail.maxMessageBytes}) -> ${r[2] ?? '(no reply)'}`);
};
