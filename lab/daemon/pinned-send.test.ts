import { describe, expect, it } from 'vitest';
import { parseClientVersion } from '../../lib/doublezerod';
import { decodeOnLinkFrame } from '../peer/onlink-frame';
import type { NetSnapshot } from './net-state';
import { PinnedSender, type DatagramSocket } from './pinned-send';

const key = { iface: 'doublezero0', localIp: '198.18.2.1', peerIp: '198.18.100.7' };
const packet = Buffer.alloc(40, 1);
const v080 = parseClientVersion('0.8.0')!;
const v085 = parseClientVersion('0.8.5')!;

/** A socket whose kernel answers `errno` to sends for the peer (null: sent), recording every datagram. */
function socketAnswering(errno: string | null) {
  const sent: { port: number; address: string; msg: Buffer }[] = [];
  const sock: DatagramSocket = {
    send(msg, port, address, callback) {
      sent.push({ port, address, msg });
      const fail = errno !== null && address === key.peerIp;
      callback(fail ? Object.assign(new Error(errno), { code: errno }) : null);
    },
  };
  return { sock, sent };
}

function net(opts: { link?: 'up' | 'down' | 'missing'; assigned?: boolean }): NetSnapshot {
  const links = new Map<string, { index: number; up: boolean }>();
  if (opts.link !== 'missing') links.set('doublezero0', { index: 5, up: opts.link !== 'down' });
  return { links, localAddresses: new Set(opts.assigned === false ? ['198.18.1.1'] : ['198.18.1.1', '198.18.2.1']) };
}

const sender = (version = v080) => new PinnedSender(version, 44880, () => ({ overlayPeer: '169.254.0.0', port: 44881 }));

describe('pinned send (upstream udp.go WriteTo with IP_PKTINFO)', () => {
  it('keeps the kernel’s own answer where a bound socket and a pinned send agree: an unassigned source is ENETUNREACH', async () => {
    const { sock } = socketAnswering('ENETUNREACH');
    expect(await sender().send(sock, key, packet, net({ assigned: false }))).toEqual({
      ok: false,
      error: 'write udp 0.0.0.0:44880->198.18.100.7:44880: sendmsg: network is unreachable',
      errno: 'ENETUNREACH',
      path: 'kernel',
    });
  });

  it('a down interface is ENETUNREACH from the kernel, and an output drop EPERM', async () => {
    expect(await sender().send(socketAnswering('ENETUNREACH').sock, key, packet, net({ link: 'down' }))).toMatchObject({
      ok: false,
      error: 'write udp 0.0.0.0:44880->198.18.100.7:44880: sendmsg: network is unreachable',
    });
    expect(await sender().send(socketAnswering('EPERM').sock, key, packet, net({}))).toMatchObject({
      ok: false,
      error: 'write udp 0.0.0.0:44880->198.18.100.7:44880: sendmsg: operation not permitted',
    });
  });

  it('a missing route is NOT an error: the packet goes on-link, through the underlay relay, to the same peer', async () => {
    const { sock, sent } = socketAnswering('ENETUNREACH');
    expect(await sender().send(sock, key, packet, net({}))).toEqual({ ok: true, path: 'on-link-relay' });
    const relayed = sent.find((s) => s.address === '169.254.0.0');
    expect(relayed?.port).toBe(44881);
    expect(decodeOnLinkFrame(relayed!.msg)).toEqual({ destination: '198.18.100.7', packet });
  });

  it('a missing interface fails before any syscall, with the text of the version (Go net.InterfaceByName, then the ifCache)', async () => {
    const { sock, sent } = socketAnswering(null);
    expect(await sender(v080).send(sock, key, packet, net({ link: 'missing' }))).toMatchObject({
      ok: false,
      error: 'route ip+net: no such network interface',
      path: 'emulated',
    });
    expect(await sender(v085).send(sock, key, packet, net({ link: 'missing' }))).toMatchObject({ ok: false, error: 'interface "doublezero0" not found' });
    expect(sent).toEqual([]);
  });

  it('a send the kernel accepts is a success', async () => {
    expect(await sender().send(socketAnswering(null).sock, key, packet, net({}))).toEqual({ ok: true, path: 'kernel' });
  });
});
