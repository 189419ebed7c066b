import { describe, expect, it } from 'vitest';
import { decodePacket, encodePacket, PACKET_SIZE, type ControlPacket } from './packet';

const packet: ControlPacket = {
  state: 'init',
  detectMult: 3,
  localDiscr: 0xdeadbeef,
  peerDiscr: 7,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 1_000_000,
  passive: true,
  clientVersion: { major: 0, minor: 8, patch: 3 },
};

describe('liveness control packet (upstream internal/liveness/packet.go layout)', () => {
  it('marshals to 40 bytes as upstream does: version<<5, state<<6, mult, length, discriminators, timers, flags, version', () => {
    const buf = encodePacket(packet);
    expect(buf.length).toBe(PACKET_SIZE);
    expect([...buf.subarray(0, 4)]).toEqual([1 << 5, 2 << 6, 3, 40]);
    expect(buf.readUInt32BE(4)).toBe(0xdeadbeef);
    expect(buf.readUInt32BE(8)).toBe(7);
    expect(buf.readUInt32BE(12)).toBe(300_000);
    expect(buf.readUInt32BE(16)).toBe(1_000_000);
    expect([...buf.subarray(20, 25)]).toEqual([1, 0, 8, 3, 0]);
    expect([...buf.subarray(25)].every((b) => b === 0)).toBe(true);
  });

  it('round-trips, and reads a pre-v0.8.1 packet (no flags, no version) as version 0.0.0, active', () => {
    expect(decodePacket(encodePacket(packet))).toEqual(packet);
    const old = encodePacket({ ...packet, passive: false, clientVersion: { major: 0, minor: 0, patch: 0 } });
    expect(decodePacket(old)).toMatchObject({ passive: false, clientVersion: { major: 0, minor: 0, patch: 0 } });
  });

  it('rejects what UnmarshalControlPacket rejects: short, wrong length byte, wrong protocol version', () => {
    const buf = encodePacket(packet);
    expect(decodePacket(buf.subarray(0, 39))).toBeNull();
    const badLength = Buffer.from(buf);
    badLength[3] = 41;
    expect(decodePacket(badLength)).toBeNull();
    const badVersion = Buffer.from(buf);
    badVersion[0] = 2 << 5;
    expect(decodePacket(badVersion)).toBeNull();
  });
});
