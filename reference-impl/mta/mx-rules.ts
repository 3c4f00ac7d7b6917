// MX rules: which rule governs a recipient domain ("example.com", "*.example.com", "*").
import type { MxRule } from '../common/config.js';

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
