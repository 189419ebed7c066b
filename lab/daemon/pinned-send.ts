import { ERRNO_TEXT, interfaceMissingErrorText, pinnedSendResult, sendmsgErrorText, type ClientVersion } from '../../lib/doublezerod';
import { encodeOnLinkFrame } from '../peer/onlink-frame';
import { errnoCode, goErrnoText } from './errno';
import type { NetSnapshot } from './net-state';
import type { SessionKey } from './session';

// One liveness send as upstream makes it: pinned to the session's interface and source address (IP_PKTINFO,
// internal/liveness/udp.go WriteTo). Node cannot pass IP_PKTINFO, so the stand-in sends from a socket bound to
// the session's local IP and lets the kernel answer for real wherever the two paths agree:
//   source not assigned  → the kernel's ENETUNREACH (the seed bug), real
//   interface down       → ENETUNREACH, real (the kernel dropped the routes through it; upstream's oif check)
//   nft output drop      → EPERM, real
// and emulates where they differ (lab/README.md, "Pinned sends"):
//   interface missing    → upstream fails before any syscall (Go's interface lookup): the text comes from
//                          lib/doublezerod and no packet is sent
//   no route to the peer → upstream's pinned send goes out on-link; the bound socket gets ENETUNREACH, so the
//                          stand-in hands the packet to the underlay's on-link relay instead (it arrives, the
//                          peer answers, the session stays up) and reports success

export type SendResult = { ok: true; path: 'kernel' | 'on-link-relay' } | { ok: false; error: string; errno: string | null; path: 'kernel' | 'emulated' };

export interface OnLinkRelay {
  /** the far end of the session's tunnel (the overlay /31's other address) */
  overlayPeer: string;
  port: number;
}

/** The part of a node:dgram socket a send needs (a dgram.Socket is one). */
export interface DatagramSocket {
  send(msg: Buffer, port: number, address: string, callback: (error: Error | null) => void): void;
}

function sendOnce(sock: DatagramSocket, payload: Buffer, port: number, address: string): Promise<Error | null> {
  return new Promise((resolve) => sock.send(payload, port, address, (err) => resolve(err ?? null)));
}

export class PinnedSender {
  constructor(
    private readonly version: ClientVersion,
    private readonly livenessPort: number,
    private readonly relayFor: (iface: string) => OnLinkRelay | undefined,
  ) {}

  async send(sock: DatagramSocket | undefined, key: SessionKey, packet: Buffer, net: NetSnapshot): Promise<SendResult> {
    const link = net.links.get(key.iface);
    const session = { iface: key.iface, peerIp: key.peerIp };
    if (!link) {
      return { ok: false, error: interfaceMissingErrorText(this.version, key.iface), errno: null, path: 'emulated' };
    }
    if (!sock) {
      // no socket could be bound to the local IP: what the pinned send would have met, from the same model
      const outcome = pinnedSendResult(this.version, session, {
        interfacePresent: true,
        interfaceUp: link.up,
        localIpAssigned: net.localAddresses.has(key.localIp),
      });
      return outcome.ok ? { ok: true, path: 'kernel' } : { ok: false, error: outcome.error, errno: null, path: 'emulated' };
    }
    const err = await sendOnce(sock, packet, this.livenessPort, key.peerIp);
    if (!err) return { ok: true, path: 'kernel' };
    const code = errnoCode(err) ?? null;
    if (code === 'ENETUNREACH' && link.up && net.localAddresses.has(key.localIp)) {
      // Only the route was missing: the pinned send would have gone on-link through the tunnel.
      const relay = this.relayFor(key.iface);
      if (relay) await sendOnce(sock, encodeOnLinkFrame(key.peerIp, packet), relay.port, relay.overlayPeer);
      return { ok: true, path: 'on-link-relay' };
    }
    const text = code === 'ENETUNREACH' ? ERRNO_TEXT.ENETUNREACH : code === 'EPERM' ? ERRNO_TEXT.EPERM : goErrnoText(code ?? undefined);
    return { ok: false, error: sendmsgErrorText(key.peerIp, text), errno: code, path: 'kernel' };
  }
}
