import { describe, expect, it } from 'vitest';
import { formatHostPort, parseHostPort } from './address.js';

describe('host:port addresses, as Go writes them', () => {
  it('reads IPv4, IPv6, every-interface and localhost forms', () => {
    expect(parseHostPort('127.0.0.1:8474')).toEqual({ host: '127.0.0.1', port: 8474 });
    expect(parseHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseHostPort(':25')).toEqual({ host: undefined, port: 25 });
    expect(parseHostPort('')).toEqual({ host: undefined, port: 0 });
    expect(parseHostPort('localhost:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseHostPort('mid.example:443')).toEqual({ host: 'mid.example', port: 443 });
  });

  it('refuses what Go refuses', () => {
    expect(() => parseHostPort('nonsense')).toThrow('missing port in address');
    expect(() => parseHostPort('::1:80')).toThrow('too many colons');
    expect(() => parseHostPort('host:http')).toThrow('invalid port');
    expect(() => parseHostPort('host:70000')).toThrow('invalid port');
  });

  it('writes IPv6 in brackets', () => {
    expect(formatHostPort({ address: '::', family: 'IPv6', port: 80 })).toBe('[::]:80');
    expect(formatHostPort({ address: '127.0.0.1', family: 'IPv4', port: 80 })).toBe('127.0.0.1:80');
  });
});
