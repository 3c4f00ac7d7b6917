// Every message the MTA sends carries its broadLog and delivery ids in its Message-ID, so that
// inMail can find the original message from the headers a bounce quotes back.
export interface MessageRef {
  broadLogId: number;
  deliveryId: number;
  instance: string;
}

export function messageId(ref: MessageRef, hostName: string): string {
  return `<${ref.broadLogId.toString(16)}.${ref.deliveryId.toString(16)}.${ref.instance}@${hostName}>`;
}

const PATTERN = /<([0-9a-f]{1,13})\.([0-9a-f]{1,13})\.([A-Za-z0-9_-]{1,64})@[^<>\s]+>/g;

/** Every message reference found in a text (a bounce quotes the original headers). */
export function findMessageRefs(textToSearch: string): MessageRef[] {
  const refs: MessageRef[] = [];
  for (const m of textToSearch.matchAll(PATTERN)) {
    refs.push({ broadLogId: parseInt(m[1], 16), deliveryId: parseInt(m[2], 16), instance: m[3] });
  }
  return refs;
}
