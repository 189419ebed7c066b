import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PACKET_SIZE, decodePacket, encodePacket, sessionStates, type ControlPacket } from './packet';

const sample: ControlPacket = {
  state: 'Init',
  detectMultiplier: 3,
  peerMode: 'passive',
  myDiscriminator: 0xdeadbeef,
  yourDiscriminator: 7,
  desiredMinTxMicros: 1_000_000,
  requiredMinRxMicros: 1_000_000,
  clientVersion: '0.6.4-lab',
};

describe('liveness control packet', () => {
  it('is 40 bytes and decodes back to what was encoded', () => {
    const buf = encodePacket(sample);
    expect(buf.length).toBe(PACKET_SIZE);
    expect(decodePacket(buf)).toEqual(sample);
  });

  it('rejects datagrams of the wrong size, version, state or mode', () => {
    const good = encodePacket(sample);
    expect(decodePacket(good.subarray(0, 39))).toBeNull();
    expect(decodePacket(Buffer.concat([good, Buffer.alloc(1)]))).toBeNull();
    const badVersion = Buffer.from(good);
    badVersion[0] = 2;
    expect(decodePacket(badVersion)).toBeNull();
    const badState = Buffer.from(good);
    badState[1] = 4;
    expect(decodePacket(badState)).toBeNull();
    const badMode = Buffer.from(good);
    badMode[3] = 9;
    expect(decodePacket(badMode)).toBeNull();
    const zeroMultiplier = Buffer.from(good);
    zeroMultiplier[2] = 0;
    expect(decodePacket(zeroMultiplier)).toBeNull();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      decodePacket(Buffer.from(bytes));
    }));
  });

  it('round-trips every valid packet', () => {
    const packet = fc.record({
      state: fc.constantFrom(...sessionStates),
      detectMultiplier: fc.integer({ min: 1, max: 255 }),
      peerMode: fc.constantFrom('passive' as const, 'active' as const),
      myDiscriminator: fc.nat({ max: 0xffff_ffff }),
      yourDiscriminator: fc.nat({ max: 0xffff_ffff }),
      desiredMinTxMicros: fc.nat({ max: 0xffff_ffff }),
      requiredMinRxMicros: fc.nat({ max: 0xffff_ffff }),
      clientVersion: fc.stringMatching(/^[\x20-\x7e]{0,16}$/).map((v) => v.replace(/\0+$/, '')),
    });
    fc.assert(fc.property(packet, (p) => {
      expect(decodePacket(encodePacket(p))).toEqual(p);
    }));
  });
});
