// "host:port" strings as Toxiproxy (Go's net package) reads and writes them: "[::1]:80" for IPv6,
// ":80" or "" for every interface.
import type { AddressInfo } from 'node:net';

export interface HostPort {
  /** undefined: every interface (Go's ":port"). */
  host: string | undefined;
  port: number;
}

export function parseHostPort(address: string): HostPort {
  if (address === '') return { host: undefined, port: 0 };
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new Error(`address ${address}: missing port in address`);
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) throw new Error(`address ${address}: too many colons in address`);
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText) || port > 65535) throw new Error(`address ${address}: invalid port`);
  // Go resolves "localhost" to IPv4 first; Node may pick ::1. Keep Toxiproxy's answer.
  if (host === 'localhost') host = '127.0.0.1';
  return { host: host === '' ? undefined : host, port };
}

export function formatHostPort(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}
