import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../reference-impl/common/errors.js';
import { parseInternetConfig } from './config.js';

const minimal = { seed: 1, domains: [{ name: 'a.example' }], bounceIntake: { host: '127.0.0.1', port: 2525 } };

function errorOf(raw: unknown): string {
  try {
    parseInternetConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a config error');
}

describe('Internet config', () => {
  it('fills in defaults', () => {
    const c = parseInternetConfig(minimal);
    expect(c.domains[0]).toMatchObject({ host: '127.0.0.1', port: 0, behaviour: { defer: { attempts: 1 } } });
    expect(c.control).toEqual({ host: '127.0.0.1', port: 0 });
    expect(c.recipients.openRate).toBe(0.25);
    expect(c.timeScale).toBe(1);
    expect(c.hostName).toBe('mx.internet.test');
  });

  it('names the bad field', () => {
    expect(errorOf({ ...minimal, seed: 'x' })).toMatch(/config\.seed/);
    expect(errorOf({ ...minimal, seed: undefined })).toMatch(/config\.seed/);
    expect(errorOf({ ...minimal, domains: [] })).toMatch(/config\.domains/);
    expect(errorOf({ ...minimal, domains: [{ name: 'a', port: 70000 }] })).toMatch(/config\.domains\.0\.port/);
    expect(errorOf({ ...minimal, domains: [{ name: 'a', behaviour: { reject: { userUnknown: -1 } } }] })).toMatch(
      /config\.domains\.0\.behaviour\.reject\.userUnknown/,
    );
    expect(errorOf({ ...minimal, domains: [{ name: 'a' }, { name: 'A' }] })).toMatch(/config\.domains\.1\.name: duplicate/);
    expect(errorOf({ ...minimal, bounceIntake: { host: 'x' } })).toMatch(/config\.bounceIntake\.port/);
    expect(errorOf({ ...minimal, recipients: { delay: 'later' } })).toMatch(/config\.recipients\.delay/);
    expect(errorOf({ ...minimal, recipients: { openRate: 0.1, clickRate: 0.5 } })).toMatch(/config\.recipients\.clickRate/);
    expect(errorOf({ ...minimal, contrl: {} })).toMatch(/contrl/);
  });
});
