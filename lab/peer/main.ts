import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { decodePacket, encodePacket } from '../daemon/packet';
import { LivenessSession } from '../daemon/session';

// The other DoubleZero clients, as seen from the lab's nodes: runs in the shared underlay namespace,
// one UDP socket per peer address, and answers every liveness packet with its own session state so
// the nodes' sessions come Up. Replies leave from the peer address, through the node's doublezero0.
const configSchema = z.object({
  peers: z.array(z.ipv4()).min(1),
  livenessPort: z.number().int().min(1).max(65535),
  clientVersion: z.string().min(1).max(16),
});

const configPath = process.argv[2];
if (!configPath) {
  process.stderr.write('usage: peer/main.ts <config.json>\n');
  process.exit(2);
}
const cfg = configSchema.parse(JSON.parse(readFileSync(configPath, 'utf8')));
const sessions = new Map<string, LivenessSession>();
let discriminator = randomInt(1, 0x7fff_0000);

for (const peerIp of cfg.peers) {
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  sock.on('message', (msg, rinfo) => {
    const packet = decodePacket(msg);
    if (!packet) return;
    const id = `${peerIp}|${rinfo.address}`;
    let s = sessions.get(id);
    if (!s) {
      s = new LivenessSession({ interfaceName: 'underlay', localIp: peerIp, peerIp: rinfo.address }, discriminator++, Date.now());
      sessions.set(id, s);
    }
    s.receive(packet, Date.now());
    // A send can only fail here if the node's route is gone; the node's own logs are what matter.
    sock.send(encodePacket(s.controlPacket(cfg.clientVersion, 'passive')), rinfo.port, rinfo.address, () => undefined);
  });
  sock.on('error', (err) => process.stderr.write(`peer ${peerIp}: ${String(err)}\n`));
  sock.bind(cfg.livenessPort, peerIp);
}
process.once('SIGTERM', () => process.exit(0));
