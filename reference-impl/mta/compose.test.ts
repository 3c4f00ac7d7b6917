import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { findMessageRefs } from '../common/message-id.js';
import { composeMessage } from './compose.js';

describe('composeMessage', () => {
  it('personalises, tracks links, adds the pixel and the broadLog reference', async () => {
    const raw = await composeMessage(
      {
        id: 7,
        template: { from: 'News <news@brand.test>', subject: 'Hi <%= recipient.firstName %>', html: '<p>Hi <%= recipient.firstName %></p><a href="https://brand.test/x">x</a>' },
        urlIds: new Map([['https://brand.test/x', 2]]),
      },
      { broadLogId: 255, email: 'r1@a.test', data: { firstName: 'Zoë' } },
      { instance: 'mid', hostName: 'mid.example.net', trackingBaseUrl: 'http://t.example.net', bounceAddress: 'bounce@mid.example.net' },
    );
    const m = await simpleParser(raw);
    expect(m.subject).toBe('Hi Zoë');
    expect(m.messageId).toBe('<ff.7.mid@mid.example.net>');
    expect(findMessageRefs(raw.toString())).toEqual([{ broadLogId: 255, deliveryId: 7, instance: 'mid' }]);
    expect(m.html).toContain('href="http://t.example.net/r/?id=hff,7,2"');
    expect(m.html).toContain('src="http://t.example.net/r/?id=hff,7,1"');
    expect(m.html).not.toContain('https://brand.test/x');
  });
});
