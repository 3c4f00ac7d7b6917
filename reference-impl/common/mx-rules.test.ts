import { describe, expect, it } from 'vitest';
import { ruleFor } from './mx-rules.js';

const base = { maxConnections: 1, maxMessagesPerConnection: 1, maxMessagesPerHour: 1 };
const rules = [
  { name: 'gmail', domains: ['gmail.test'], ...base },
  { name: 'corp', domains: ['*.corp.test'], ...base },
  { name: 'default', domains: ['*'], ...base },
];

describe('MX rules', () => {
  it('prefers exact, then wildcard, then the default rule', () => {
    expect(ruleFor(rules, 'GMAIL.test').name).toBe('gmail');
    expect(ruleFor(rules, 'mx.corp.test').name).toBe('corp');
    expect(ruleFor(rules, 'other.test').name).toBe('default');
  });
  it('says so when no rule matches', () => {
    expect(() => ruleFor(rules.slice(0, 2), 'other.test')).toThrow(/other\.test/);
  });
});
