// A stand-in for doublezerod's liveness sender, run inside a scenario's network namespace.
// It sends real 40-byte UDP packets from each session's localIP:44880 to peerIP:44880 once a second,
// gets the kernel's real answer (ENETUNREACH, EPERM, ...) and logs like doublezerod does: slog JSON on
// stdout, the send warning at most once per 5 s per session, `session up` on the first reply,
// `session down` after 3 s without one (detect multiplier 3 at 1 s).
//
//   node liveness-sender.mjs --sessions if,local,peer[;if,local,peer...] --ready FILE --go FILE --seconds N
import dgram from 'node:dgram';
import { existsSync, writeFileSync } from 'node:fs';

const PORT = 44880;
const WARN_EVERY_MS = 5000;
const DETECT_MS = 3000;
const STRERROR = {
  ENETUNREACH: 'network is unreachable',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EINVAL: 'invalid argument',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EHOSTUNREACH: 'no route to host',
  ENODEV: 'no such device',
};

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
}

const sessions = arg('sessions')
  .split(';')
  .filter(Boolean)
  .map((s) => {
    const [iface, localIP, peerIP] = s.split(',');
    return { iface, localIP, peerIP, up: false, lastReply: 0, lastWarn: 0 };
  });
const readyFile = arg('ready');
const goFile = arg('go');
const seconds = Number(arg('seconds'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const peerText = (s) => `interface: ${s.iface}, localIP: ${s.localIP}, peerIP: ${s.peerIP}`;
function log(level, msg, fields) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

// One socket per local address, as bound while the address exists.
const sockets = new Map();
for (const s of sessions) {
  if (sockets.has(s.localIP)) continue;
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  socket.on('error', (err) => log('ERROR', 'liveness.recv: non-timeout read error', { error: String(err.message) }));
  socket.on('message', (_msg, rinfo) => {
    for (const s2 of sessions) {
      if (s2.localIP !== s.localIP || s2.peerIP !== rinfo.address) continue;
      s2.lastReply = Date.now();
      if (!s2.up) {
        s2.up = true;
        log('INFO', 'liveness: session up', { peer: peerText(s2) });
      }
    }
  });
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: s.localIP, port: PORT, exclusive: false }, resolve);
  });
  sockets.set(s.localIP, socket);
}

function sendOnce(s) {
  return new Promise((resolve) => {
    sockets.get(s.localIP).send(Buffer.alloc(40, 0x20), PORT, s.peerIP, (err) => {
      if (err) {
        const now = Date.now();
        if (now - s.lastWarn >= WARN_EVERY_MS) {
          s.lastWarn = now;
          const reason = STRERROR[err.code] ?? String(err.code ?? err.message).toLowerCase();
          log('WARN', 'liveness.scheduler: error writing UDP packet', {
            error: `write udp 0.0.0.0:${PORT}->${s.peerIP}:${PORT}: sendmsg: ${reason}`,
            peer: peerText(s),
          });
        }
      }
      resolve();
    });
  });
}

function checkDetect() {
  const now = Date.now();
  for (const s of sessions) {
    if (s.up && now - s.lastReply > DETECT_MS) {
      s.up = false;
      log('INFO', 'liveness: session down', { peer: peerText(s), reason: 'timeout' });
    }
  }
}

// Phase 1: bring the sessions up against the healthy network.
for (let i = 0; i < 2; i++) {
  for (const s of sessions) await sendOnce(s);
  await sleep(500);
}
writeFileSync(readyFile, 'ready\n');
while (!existsSync(goFile)) await sleep(100);

// Phase 2: the network has been changed (or not); keep the 1 s timer.
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  for (const s of sessions) await sendOnce(s);
  checkDetect();
  await sleep(1000);
}
for (const socket of sockets.values()) socket.close();
