// Everything the docker runtime creates carries these labels, so that `midsim clean` (and a test)
// can find what a run left behind without knowing its ids.
export const LABEL = 'midsim';
export const LABEL_RUN = 'midsim.run';
export const LABEL_NODE = 'midsim.node';

export function labels(run: string, node?: string): Record<string, string> {
  return { [LABEL]: '1', [LABEL_RUN]: run, ...(node ? { [LABEL_NODE]: node } : {}) };
}
