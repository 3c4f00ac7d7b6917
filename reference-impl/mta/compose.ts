// Build one message: personalise the template with the fields the part carried, turn links into
// tracked URLs, add the open pixel, and put the broadLog reference in the Message-ID.
import MailComposer from 'nodemailer/lib/mail-composer';
import { messageId } from '../common/message-id.js';
import { renderHtml, renderText, trackHtml, type Template } from '../common/template.js';
import { OPEN_URL_ID, trackingUrl } from '../common/tracking.js';

export interface DeliveryInfo {
  id: number;
  template: Template;
  urlIds: Map<string, number>;
}

export interface Outgoing {
  broadLogId: number;
  email: string;
  data: Record<string, unknown>;
}

export interface ComposeOptions {
  instance: string;
  hostName: string;
  trackingBaseUrl: string;
  bounceAddress: string;
}

export function composeMessage(d: DeliveryInfo, m: Outgoing, o: ComposeOptions): Promise<Buffer> {
  const data = { email: m.email, ...m.data };
  const ref = { broadLogId: m.broadLogId, deliveryId: d.id };
  const url = (urlId: number) => trackingUrl(o.trackingBaseUrl, { ...ref, urlId });
  const html = trackHtml(renderHtml(d.template.html, data), (u) => d.urlIds.get(u), url, url(OPEN_URL_ID));
  const composer = new MailComposer({
    from: renderText(d.template.from, data),
    to: m.email,
    subject: renderText(d.template.subject, data),
    html,
    text: d.template.text ? renderText(d.template.text, data) : undefined,
    messageId: messageId({ ...ref, instance: o.instance }, o.hostName),
    envelope: { from: o.bounceAddress, to: m.email },
    headers: { 'X-Mailer': 'midsim reference MTA' },
  });
  return new Promise((resolve, reject) => composer.compile().build((err, buf) => (err ? reject(err) : resolve(buf))));
}
