// Target files: bad input names the field (exit 2), defaults are filled in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { executionDb, loadTarget } from './target.js';

const dir = mkdtempSync(join(tmpdir(), 'midsim-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (o: unknown) => {
  const f = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, typeof o === 'string' ? o : JSON.stringify(o));
  return f;
};
const GOOD = {
  name: 'staging',
  mode: 'mid-sourcing',
  marketing: { db: 'postgres://u@mkt/marketing', webUrl: 'http://mkt.example:8080' },
  mid: { soapUrl: 'http://mid.example/nl/jsp/soaprouter.jsp', password: 'secret', db: 'postgres://u@mid/mid' },
  tracking: { baseUrl: 'http://t.example' },
  inMail: { smtp: 'mid.example:25', instance: 'mid' },
  probeDomain: 'sink.example',
};

describe('loadTarget', () => {
  it('reads a target and fills in the defaults', () => {
    const t = loadTarget(file(GOOD));
    expect(t).toMatchObject({ reference: false, marketing: { instance: 'marketing' }, mid: { login: 'mid', maxBodyBytes: 16 * 1024 * 1024 }, inMail: { maxMessageBytes: 10 * 1024 * 1024 } });
    expect(executionDb(t)).toBe('postgres://u@mid/mid');
    expect(executionDb({ ...t, mid: undefined })).toBe('postgres://u@mkt/marketing');
  });
  it('names the field that is wrong', () => {
    expect(() => loadTarget(file({ ...GOOD, inMail: { smtp: 'mid.example', instance: 'mid' } }))).toThrow(/inMail\.smtp: expected host:port/);
    expect(() => loadTarget(file({ ...GOOD, marketing: { db: 'mysql://x' } }))).toThrow(/marketing\.db: expected a postgres:\/\/ URL/);
    expect(() => loadTarget(file({ ...GOOD, extra: 1 }))).toThrow(ConfigError);
    expect(() => loadTarget(file('{'))).toThrow(/--target .*json:/);
  });
});
