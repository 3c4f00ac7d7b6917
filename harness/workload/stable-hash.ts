// Every workload decision (which domain, reject or accept, bounce, open, click) is drawn from a
// hash of the seed and the recipient, never from Math.random: a run is reproducible whatever the
// timing, and the harness can compute the expected outcome of any recipient on its own.

/** cyrb53 (public domain, bryc): a fast 53-bit string hash with good avalanche. */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A number in [0, 1) that depends only on the parts (one independent draw per distinct label). */
export function stableUnit(...parts: (string | number)[]): number {
  return cyrb53(parts.join('\u0000')) / 2 ** 53;
}
