import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { decodePacket, encodePacket, PACKET_SIZE } from '../daemon/packet';
import { LivenessSession, type SessionTimers } from '../daemon/session';
import { decodeOnLinkFrame } from './onlink-frame';

// The other DoubleZero clients, as seen from the lab's nodes: runs in the shared underlay namespace, one UDP
// socket per peer address (200 aliases on lo), and answers every liveness packet with its own session's
// state so the nodes' sessions come up. Replies leave from the peer address, through the node's tunnel.
// The peers are passive clients of v0.8.3 run with `-route-liveness-tx-min 1s -route-liveness-rx-min 1s`:
// their advertised RequiredMinRx makes the nodes send once a second (txInterval takes the larger), which
// keeps 200 sessions cheap.
// Also listens on the on-link relay port: a node's stand-in hands it the packets that upstream's pinned send
// would have put on-link when the node has no route to the peer (lab/README.md, "Pinned sends").
const configSchema = z.object({
  peers: z.array(z.ipv4()).min(1),
  livenessPort: z.number().int().min(1).max(65535),
  onLinkRelayPort: z.number().int().min(1).max(65535),
});

const PEER_TIMERS: SessionTimers = { txMinMs: 1000, rxMinMs: 1000, detectMult: 3, minTxFloorMs: 50, maxTxCeilMs: 1000, backoffMaxMs: 60_000 };
const PEER_VERSION = { major: 0, minor: 8, patch: 3 };

const configPath = process.argv[2];
if (!configPath) {
  process.stderr.write('usage: peer/main.ts <config.json>\n');
  process.exit(2);
}
const cfg = configSchema.parse(JSON.parse(readFileSync(configPath, 'utf8')));
const sessions = new Map<string, LivenessSession>();
const sockets = new Map<string, dgram.Socket>();
let discriminator = randomInt(1, 0x7fff_0000);

function answer(peerIp: string, msg: Buffer, fromAddress: string, fromPort: number): void {
  const packet = decodePacket(msg);
  const sock = sockets.get(peerIp);
  if (!packet || !sock) return;
  const id = `${peerIp}|${fromAddress}`;
  let s = sessions.get(id);
  // A node whose daemon restarted starts over with a new discriminator and no knowledge of ours. Upstream the
  // remote client's session is recreated then, because BGP withdraws and re-announces the node's route when its
  // daemon restarts (a fresh RegisterRoute); the lab has no BGP between clients, so the peer starts over here.
  if (s && packet.peerDiscr === 0 && s.peerDiscr !== 0 && packet.localDiscr !== s.peerDiscr) s = undefined;
  if (!s) {
    s = new LivenessSession({ iface: 'underlay', localIp: peerIp, peerIp: fromAddress }, discriminator++, PEER_TIMERS, Date.now());
    sessions.set(id, s);
  }
  s.receive(packet, Date.now());
  // A send can only fail here if the underlay lost its route to the node; the node's own logs are what matter.
  sock.send(encodePacket({ ...s.controlPacket(), passive: true, clientVersion: PEER_VERSION }), fromPort, fromAddress, () => undefined);
}

for (const peerIp of cfg.peers) {
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  sock.on('message', (msg, rinfo) => answer(peerIp, msg, rinfo.address, rinfo.port));
  sock.on('error', (err) => process.stderr.write(`peer ${peerIp}: ${String(err)}\n`));
  sock.bind(cfg.livenessPort, peerIp);
  sockets.set(peerIp, sock);
}

const relay = dgram.createSocket({ type: 'udp4', reuseAddr: true });
relay.on('message', (msg, rinfo) => {
  const frame = decodeOnLinkFrame(msg);
  if (frame && frame.packet.length === PACKET_SIZE) answer(frame.destination, frame.packet, rinfo.address, rinfo.port);
});
relay.on('error', (err) => process.stderr.write(`on-link relay: ${String(err)}\n`));
relay.bind(cfg.onLinkRelayPort, '0.0.0.0');

process.once('SIGTERM', () => process.exit(0));
