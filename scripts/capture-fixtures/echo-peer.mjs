// The far end of the liveness sessions, run in the "device" namespace: answers every packet to
// UDP 44880 on each given address, so healthy sessions see real replies.
//   node echo-peer.mjs ADDR [ADDR...]
import dgram from 'node:dgram';

for (const address of process.argv.slice(2)) {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  socket.on('error', (err) => process.stderr.write(`echo-peer ${address}: ${err.message}\n`));
  socket.bind({ address, port: 44880 });
}
