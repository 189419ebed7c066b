import { isIPv4 } from 'node:net';

// How a node's stand-in hands the underlay a packet that upstream's pinned send would have put on-link
// (no route to the peer, tunnel up, source assigned): the peer's IPv4 address, then the packet as sent.
// Lab-only framing between lab/daemon/pinned-send.ts and lab/peer/main.ts; nothing upstream looks like it.
const ADDRESS_BYTES = 4;

export function encodeOnLinkFrame(destination: string, packet: Buffer): Buffer {
  const octets = destination.split('.').map(Number);
  if (!isIPv4(destination) || octets.length !== ADDRESS_BYTES) throw new Error(`not an IPv4 address: ${destination}`);
  return Buffer.concat([Buffer.from(octets), packet]);
}

export function decodeOnLinkFrame(frame: Buffer): { destination: string; packet: Buffer } | null {
  if (frame.length <= ADDRESS_BYTES) return null;
  return { destination: [...frame.subarray(0, ADDRESS_BYTES)].join('.'), packet: frame.subarray(ADDRESS_BYTES) };
}
