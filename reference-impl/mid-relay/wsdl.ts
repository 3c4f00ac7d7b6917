// The WSDL of the mid-sourcing server's SOAP methods, one document per schema as the product's
// /nl/jsp/schemawsdl.jsp?schema=nms:delivery serves it: document/literal, each method's element in
// the schema's namespace (urn:nms:delivery), soapAction "<schema>#<method>". Standard SOAP clients
// build their calls from it; the session token travels as the first parameter and the security
// token in the X-Security-Token HTTP header, which a WSDL cannot say (see docs/design.md).
import { SOAP_PATH } from '../common/soap.js';
import { DELIVERY_SCHEMA, SESSION_SCHEMA, TRACKING_SCHEMA } from '../common/mid-api.js';

export const WSDL_PATH = '/nl/jsp/schemawsdl.jsp';

interface Method {
  name: string;
  /** xsd content of the request element, after sessiontoken */
  input: string;
  /** xsd content of the response element */
  output: string;
}

const str = (name: string, min = 1) => `<xsd:element name="${name}" type="xsd:string" minOccurs="${min}"/>`;
const any = (name: string, min = 1) =>
  `<xsd:element name="${name}" minOccurs="${min}"><xsd:complexType mixed="true"><xsd:sequence><xsd:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence><xsd:anyAttribute processContents="lax"/></xsd:complexType></xsd:element>`;

/** A delivery part: template, tracked URLs and recipients (reference-impl/common/mid-api.ts). */
const PART_TYPES = `
      <xsd:complexType name="Template">
        <xsd:sequence>${str('from')}${str('subject')}${str('html')}${str('text', 0)}</xsd:sequence>
      </xsd:complexType>
      <xsd:complexType name="Url">
        <xsd:simpleContent><xsd:extension base="xsd:string">
          <xsd:attribute name="id" type="xsd:int" use="required"/><xsd:attribute name="label" type="xsd:string"/>
        </xsd:extension></xsd:simpleContent>
      </xsd:complexType>
      <xsd:complexType name="Field">
        <xsd:simpleContent><xsd:extension base="xsd:string"><xsd:attribute name="n" type="xsd:string" use="required"/></xsd:extension></xsd:simpleContent>
      </xsd:complexType>
      <xsd:complexType name="Recipient">
        <xsd:sequence><xsd:element name="f" type="tns:Field" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence>
        <xsd:attribute name="id" type="xsd:long" use="required"/><xsd:attribute name="email" type="xsd:string" use="required"/>
      </xsd:complexType>
      <xsd:complexType name="Part">
        <xsd:sequence>
          <xsd:element name="template" type="tns:Template"/>
          <xsd:element name="url" type="tns:Url" minOccurs="0" maxOccurs="unbounded"/>
          <xsd:element name="r" type="tns:Recipient" minOccurs="0" maxOccurs="unbounded"/>
        </xsd:sequence>
        <xsd:attribute name="instance" type="xsd:string" use="required"/>
        <xsd:attribute name="mktDeliveryId" type="xsd:long" use="required"/>
        <xsd:attribute name="partIndex" type="xsd:int" use="required"/>
        <xsd:attribute name="partCount" type="xsd:int" use="required"/>
        <xsd:attribute name="label" type="xsd:string"/>
      </xsd:complexType>`;

const changes = `${str('instance')}${str('cursor', 0)}<xsd:element name="count" type="xsd:int" minOccurs="0"/>`;

const SCHEMAS: Record<string, { methods: Method[]; types?: string }> = {
  [SESSION_SCHEMA]: {
    methods: [
      {
        name: 'Logon',
        input: `${str('strLogin')}${str('strPassword')}${any('elemParameters', 0)}`,
        output: `${str('pstrSessionToken')}${any('pSessionInfo')}${str('pstrSecurityToken')}`,
      },
    ],
  },
  [DELIVERY_SCHEMA]: {
    types: PART_TYPES,
    methods: [
      {
        name: 'AppendDeliveryPart',
        input: `<xsd:element name="part" type="tns:Part"/>`,
        output: `<xsd:element name="result"><xsd:complexType>
          <xsd:attribute name="stored" type="xsd:int"/><xsd:attribute name="duplicate" type="xsd:int"/><xsd:attribute name="count" type="xsd:int"/>
        </xsd:complexType></xsd:element>`,
      },
      { name: 'GetDeliveryLogs', input: changes, output: any('logs') },
      { name: 'GetDeliveryCounters', input: `${str('instance')}${str('deliveries')}`, output: any('counters') },
    ],
  },
  [TRACKING_SCHEMA]: {
    methods: [{ name: 'GetTrackingLogs', input: changes, output: any('trackingLogs') }],
  },
};

export const WSDL_SCHEMAS = Object.keys(SCHEMAS);

/** The WSDL of one schema's methods, with the SOAP router at `baseUrl` (e.g. http://host:8080). */
export function wsdlFor(schema: string, baseUrl: string): string | null {
  const s = SCHEMAS[schema];
  if (!s) return null;
  const ns = `urn:${schema}`;
  const service = schema.replace(/[^A-Za-z0-9]/g, '_');
  const elements = s.methods
    .map(
      (m) => `
      <xsd:element name="${m.name}"><xsd:complexType><xsd:sequence>${str('sessiontoken')}${m.input}</xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="${m.name}Response"><xsd:complexType><xsd:sequence>${m.output}</xsd:sequence></xsd:complexType></xsd:element>`,
    )
    .join('');
  const messages = s.methods
    .map(
      (m) => `
  <wsdl:message name="${m.name}In"><wsdl:part name="parameters" element="tns:${m.name}"/></wsdl:message>
  <wsdl:message name="${m.name}Out"><wsdl:part name="parameters" element="tns:${m.name}Response"/></wsdl:message>`,
    )
    .join('');
  const portOps = s.methods
    .map((m) => `
    <wsdl:operation name="${m.name}"><wsdl:input message="tns:${m.name}In"/><wsdl:output message="tns:${m.name}Out"/></wsdl:operation>`)
    .join('');
  const bindingOps = s.methods
    .map(
      (m) => `
    <wsdl:operation name="${m.name}">
      <soap:operation soapAction="${schema}#${m.name}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}" targetNamespace="${ns}">
  <wsdl:types>
    <xsd:schema targetNamespace="${ns}" elementFormDefault="qualified">${s.types ?? ''}${elements}
    </xsd:schema>
  </wsdl:types>${messages}
  <wsdl:portType name="${service}MethodsSoap">${portOps}
  </wsdl:portType>
  <wsdl:binding name="${service}MethodsSoap" type="tns:${service}MethodsSoap">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>${bindingOps}
  </wsdl:binding>
  <wsdl:service name="${service}">
    <wsdl:port name="${service}MethodsSoap" binding="tns:${service}MethodsSoap"><soap:address location="${baseUrl}${SOAP_PATH}"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
