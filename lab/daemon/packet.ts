// The liveness control packet on the wire, laid out as upstream marshals it (internal/liveness/packet.go,
// client/v0.8.3): 40 bytes, big-endian.
//   0 version<<5   1 state<<6   2 detect multiplier   3 length (40)
//   4 local discriminator   8 peer discriminator   12 desired min tx µs   16 required min rx µs
//   20 flags (bit 0 passive)   21..23 client version major.minor.patch   24 channel   25..39 zero
// Clients before v0.8.1 leave bytes 20..24 zero; readers accept that (version 0.0.0, no flags).
export const PACKET_SIZE = 40;
const PROTOCOL_VERSION = 1;
const FLAG_PASSIVE = 1;

/** BFD states in upstream's numbering and its lowercase names (State.String()). */
export const sessionStates = ['admin_down', 'down', 'init', 'up'] as const;
export type SessionState = (typeof sessionStates)[number];

export interface ClientVersionTriple {
  major: number;
  minor: number;
  patch: number;
}

export interface ControlPacket {
  state: SessionState;
  detectMult: number;
  localDiscr: number;
  peerDiscr: number;
  desiredMinTxUs: number;
  requiredMinRxUs: number;
  passive: boolean;
  clientVersion: ClientVersionTriple;
}

export function encodePacket(p: ControlPacket): Buffer {
  const buf = Buffer.alloc(PACKET_SIZE);
  buf.writeUInt8((PROTOCOL_VERSION & 0x7) << 5, 0);
  buf.writeUInt8((sessionStates.indexOf(p.state) & 0x3) << 6, 1);
  buf.writeUInt8(p.detectMult & 0xff, 2);
  buf.writeUInt8(PACKET_SIZE, 3);
  buf.writeUInt32BE(p.localDiscr >>> 0, 4);
  buf.writeUInt32BE(p.peerDiscr >>> 0, 8);
  buf.writeUInt32BE(p.desiredMinTxUs >>> 0, 12);
  buf.writeUInt32BE(p.requiredMinRxUs >>> 0, 16);
  buf.writeUInt8(p.passive ? FLAG_PASSIVE : 0, 20);
  buf.writeUInt8(p.clientVersion.major & 0xff, 21);
  buf.writeUInt8(p.clientVersion.minor & 0xff, 22);
  buf.writeUInt8(p.clientVersion.patch & 0xff, 23);
  return buf;
}

/** Decodes a datagram from the network as UnmarshalControlPacket does; anything else is null. */
export function decodePacket(buf: Buffer): ControlPacket | null {
  if (buf.length < PACKET_SIZE || buf.readUInt8(3) !== PACKET_SIZE) return null;
  if (((buf.readUInt8(0) >> 5) & 0x7) !== PROTOCOL_VERSION) return null;
  const state = sessionStates[(buf.readUInt8(1) >> 6) & 0x3];
  if (!state) return null;
  return {
    state,
    detectMult: buf.readUInt8(2),
    localDiscr: buf.readUInt32BE(4),
    peerDiscr: buf.readUInt32BE(8),
    desiredMinTxUs: buf.readUInt32BE(12),
    requiredMinRxUs: buf.readUInt32BE(16),
    passive: (buf.readUInt8(20) & FLAG_PASSIVE) !== 0,
    clientVersion: { major: buf.readUInt8(21), minor: buf.readUInt8(22), patch: buf.readUInt8(23) },
  };
}
