// The mid-relay's WSDL as an independent SOAP stack reads it: the `soap` npm client builds its
// calls from /nl/jsp/schemawsdl.jsp, logs on, then appends a delivery part with the tokens.
import pg from 'pg';
import * as soap from 'soap';
import { DELIVERY_SCHEMA, SESSION_SCHEMA } from '../../../reference-impl/common/mid-api.js';
import { mid } from '../soap-call.js';
import { fail, verdict, type CheckFn } from '../types.js';

const wsdlUrl = (soapUrl: string, schema: string) => `${new URL(soapUrl).origin}/nl/jsp/schemawsdl.jsp?schema=${schema}`;

export const wsdlClient: CheckFn = async ({ target }) => {
  const m = mid(target);
  let step = `reading the WSDL ${wsdlUrl(m.soapUrl, SESSION_SCHEMA)}`;
  try {
    const session = await soap.createClientAsync(wsdlUrl(m.soapUrl, SESSION_SCHEMA));
    step = 'Logon through the soap client';
    const [logon] = await session.LogonAsync({ sessiontoken: '', strLogin: m.login, strPassword: m.password });
    const sessionToken = String(logon?.pstrSessionToken ?? '');
    const securityToken = String(logon?.pstrSecurityToken ?? '');
    if (!sessionToken || !securityToken) return fail(`Logon through the soap client returned no tokens: ${JSON.stringify(logon).slice(0, 200)}`);

    step = `reading the WSDL ${wsdlUrl(m.soapUrl, DELIVERY_SCHEMA)}`;
    const delivery = await soap.createClientAsync(wsdlUrl(m.soapUrl, DELIVERY_SCHEMA));
    delivery.addHttpHeader('X-Security-Token', securityToken);
    const mktDeliveryId = 800_000_000 + Math.floor(Math.random() * 90_000_000);
    step = 'AppendDeliveryPart through the soap client';
    const [appended] = await delivery.AppendDeliveryPartAsync({
      sessiontoken: sessionToken,
      part: {
        attributes: { instance: 'conformance-probe', mktDeliveryId, partIndex: 0, partCount: 1, label: 'soap client probe' },
        template: { from: 'Probe <probe@conformance.invalid>', subject: 'soap client probe', html: '<p>probe</p>' },
        url: [{ attributes: { id: 2 }, $value: 'https://brand.example/soap-client' }],
        r: [1, 2].map((i) => ({ attributes: { id: i, email: `conformance-wsdl-${mktDeliveryId}-${i}@${target.probeDomain}` }, f: [] })),
      },
    });
    const stored = Number(appended?.result?.attributes?.stored ?? NaN);
    const db = new pg.Client({ connectionString: m.db });
    await db.connect();
    const n = (
      await db
        .query(`select count(*)::int as n from broadlog b join delivery d on d.id = b.delivery_id where d.client = 'conformance-probe' and d.mkt_delivery_id = $1`, [mktDeliveryId])
        .finally(() => db.end())
    ).rows[0].n;
    return verdict(stored === 2 && n === 2, `the soap client read both WSDLs, logged on (tokens of ${sessionToken.length} and ${securityToken.length} chars) and appended a 2-recipient part: answer stored=${stored}, ${n} broadLogMid rows`);
  } catch (e) {
    return fail(`${step}: ${(e as Error).message.split('\n')[0]}`);
  }
};
