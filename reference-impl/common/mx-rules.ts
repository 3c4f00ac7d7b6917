// MX rules: which rule governs a recipient domain ("example.com", "*.example.com", "*"), and how
// an hourly quota is spread over the periods of the hour (documented: 12 periods of five minutes).
import type { MxRule } from './config.js';

export function ruleFor(rules: MxRule[], domain: string): MxRule {
  const d = domain.toLowerCase();
  const exact = rules.find((r) => r.domains.some((p) => p.toLowerCase() === d));
  if (exact) return exact;
  const wildcard = rules.find((r) => r.domains.some((p) => p.startsWith('*.') && d.endsWith(p.slice(1).toLowerCase())));
  if (wildcard) return wildcard;
  const fallback = rules.find((r) => r.domains.includes('*'));
  if (!fallback) throw new Error(`no MX rule matches domain "${domain}" and there is no "*" rule`);
  return fallback;
}

/** Tokens of period `index` (0-based) of the hour; the periods of one hour sum to exactly `perHour`. */
export function periodQuota(perHour: number, periodsPerHour: number, index: number): number {
  return Math.floor(((index + 1) * perHour) / periodsPerHour) - Math.floor((index * perHour) / periodsPerHour);
}
