// The recipients the harness imports into the marketing instance: seeded, reproducible, each
// with a canary secret_note that no template uses (it must never leave the instance).
import { assignDomain, recipientEmail, type WorkloadDomain } from '../workload/model.js';

const FIRST = ['Ann', 'Bruno', 'Chloé', 'Dmitri', 'Eva', 'Farid', 'Greta', 'Hugo', 'Inès', 'Jonas', 'Kofi', 'Léa', 'Mateo', 'Nora', 'Omar', 'Paula'];
const LAST = ['Martin', 'Bernard', 'Okafor', 'Schmidt', 'Rossi', 'Novak', 'García', 'Dubois', 'Tanaka', 'Kowalski', 'Silva', 'Moreau'];
const CITY = ['Paris', 'Lyon', 'Dublin', 'Berlin', 'Madrid', 'Porto', 'Gent', 'Turin'];

export const CANARY = /CANARY-\d+-\d+/g;
export const canary = (seed: number, index: number) => `CANARY-${seed}-${index}`;

export interface ImportedRecipient {
  email: string;
  firstName: string;
  lastName: string;
  city: string;
  secretNote: string;
}

export function recipientAt(seed: number, index: number, domains: WorkloadDomain[]): ImportedRecipient {
  const h = (index * 2654435761 + seed * 40503) >>> 0;
  return {
    email: recipientEmail(index, assignDomain(seed, index, domains).name),
    firstName: FIRST[h % FIRST.length],
    lastName: LAST[(h >>> 8) % LAST.length],
    city: CITY[(h >>> 16) % CITY.length],
    secretNote: canary(seed, index),
  };
}

/** Import n recipients through the app server's API, in chunks. */
export async function importRecipients(apiBase: string, seed: number, n: number, domains: WorkloadDomain[], onChunk?: (done: number) => void): Promise<void> {
  const chunk = 5000;
  for (let from = 0; from < n; from += chunk) {
    const recipients = [];
    for (let i = from; i < Math.min(n, from + chunk); i++) recipients.push(recipientAt(seed, i, domains));
    const r = await fetch(`${apiBase}/api/recipients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recipients }) });
    if (!r.ok) throw new Error(`recipient import failed: HTTP ${r.status} ${await r.text()}`);
    onChunk?.(Math.min(n, from + chunk));
  }
}
