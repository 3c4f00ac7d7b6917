// Tracked URLs as the product writes them: /r/?id=h<broadLogHex>,<deliveryHex>,<urlHex>.
// URL id 1 is the open pixel; clicked links are ids 2 and up, registered per delivery.
export const OPEN_URL_ID = 1;
export const FIRST_LINK_URL_ID = 2;

export interface TrackingId {
  broadLogId: number;
  deliveryId: number;
  urlId: number;
}

export function encodeTrackingId(t: TrackingId): string {
  return `h${t.broadLogId.toString(16)},${t.deliveryId.toString(16)},${t.urlId.toString(16)}`;
}

/** Parse the `id` query value; null when it is not exactly three lower/upper-case hex ids. */
export function decodeTrackingId(id: string | null | undefined): TrackingId | null {
  if (!id) return null;
  const m = /^h([0-9a-fA-F]{1,13}),([0-9a-fA-F]{1,13}),([0-9a-fA-F]{1,8})$/.exec(id);
  if (!m) return null;
  return { broadLogId: parseInt(m[1], 16), deliveryId: parseInt(m[2], 16), urlId: parseInt(m[3], 16) };
}

export function trackingUrl(baseUrl: string, t: TrackingId): string {
  return `${baseUrl.replace(/\/+$/, '')}/r/?id=${encodeTrackingId(t)}`;
}
