// The lab's 40-byte liveness control packet (BFD-like, same size as doublezerod's):
//   0 version(1)  1 state  2 detect multiplier  3 peer mode (0 passive, 1 active)
//   4 my discriminator (u32)  8 your discriminator (u32)
//   12 desired min tx µs (u32)  16 required min rx µs (u32)
//   20..23 reserved (0)  24..39 client version, ASCII, NUL padded
export const PACKET_SIZE = 40;
const VERSION = 1;

export const sessionStates = ['AdminDown', 'Down', 'Init', 'Up'] as const;
export type SessionState = (typeof sessionStates)[number];
export type PeerMode = 'passive' | 'active';

export interface ControlPacket {
  state: SessionState;
  detectMultiplier: number;
  peerMode: PeerMode;
  myDiscriminator: number;
  yourDiscriminator: number;
  desiredMinTxMicros: number;
  requiredMinRxMicros: number;
  clientVersion: string;
}

export function encodePacket(p: ControlPacket): Buffer {
  const buf = Buffer.alloc(PACKET_SIZE);
  buf.writeUInt8(VERSION, 0);
  buf.writeUInt8(sessionStates.indexOf(p.state), 1);
  buf.writeUInt8(p.detectMultiplier, 2);
  buf.writeUInt8(p.peerMode === 'active' ? 1 : 0, 3);
  buf.writeUInt32BE(p.myDiscriminator >>> 0, 4);
  buf.writeUInt32BE(p.yourDiscriminator >>> 0, 8);
  buf.writeUInt32BE(p.desiredMinTxMicros >>> 0, 12);
  buf.writeUInt32BE(p.requiredMinRxMicros >>> 0, 16);
  buf.write(p.clientVersion.slice(0, 16), 24, 'ascii');
  return buf;
}

/** Decodes a datagram from the network; anything that is not a well-formed packet is null. */
export function decodePacket(buf: Buffer): ControlPacket | null {
  if (buf.length !== PACKET_SIZE || buf.readUInt8(0) !== VERSION) return null;
  const state = sessionStates[buf.readUInt8(1)];
  const mode = buf.readUInt8(3);
  const detectMultiplier = buf.readUInt8(2);
  if (!state || mode > 1 || detectMultiplier === 0) return null;
  const version = buf.subarray(24, 40).toString('ascii').replace(/\0+$/, '');
  if (!/^[\x20-\x7e]*$/.test(version)) return null;
  return {
    state,
    detectMultiplier,
    peerMode: mode === 1 ? 'active' : 'passive',
    myDiscriminator: buf.readUInt32BE(4),
    yourDiscriminator: buf.readUInt32BE(8),
    desiredMinTxMicros: buf.readUInt32BE(12),
    requiredMinRxMicros: buf.readUInt32BE(16),
    clientVersion: version,
  };
}
