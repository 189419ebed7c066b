import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { DaemonConfig } from './config';
import { errnoCode, goErrnoText } from './errno';
import type { Logger } from './log';
import type { DaemonMetrics } from './metrics';
import { decodePacket, encodePacket } from './packet';
import { LivenessSession, TX_INTERVAL_MS, sessionKeyString, type SessionKey, type Transition } from './session';

// Runs the liveness sessions: one UDP socket per local IP, bound to that IP on the liveness port while
// the address exists (the real daemon uses one 0.0.0.0 socket and picks the source per packet with
// IP_PKTINFO; binding gives the same kernel behaviour). When the address is later removed, the kernel's
// route lookup for a send from it fails with ENETUNREACH — the seed's "sendmsg: network is unreachable".
export class LivenessManager {
  private readonly sessions = new Map<string, LivenessSession>();
  private readonly sockets = new Map<string, dgram.Socket>();
  private timer: NodeJS.Timeout | undefined;
  private nextDiscriminator = randomInt(1, 0x7fff_0000);
  /** how the daemon names its listener in send errors, as Go prints the conn's local address */
  private readonly listenLabel: string;

  constructor(
    private readonly cfg: DaemonConfig,
    private readonly log: Logger,
    private readonly metrics: DaemonMetrics,
  ) {
    this.listenLabel = `0.0.0.0:${cfg.livenessPort}`;
  }

  async addSession(key: SessionKey): Promise<void> {
    const id = sessionKeyString(key);
    if (this.sessions.has(id)) return;
    await this.socketFor(key.localIp);
    this.sessions.set(id, new LivenessSession(key, this.nextDiscriminator++, Date.now()));
  }

  removeSessions(match: (s: LivenessSession) => boolean): void {
    for (const [id, s] of this.sessions) if (match(s)) this.sessions.delete(id);
    const inUse = new Set([...this.sessions.values()].map((s) => s.key.localIp));
    for (const [ip, sock] of this.sockets) {
      if (inUse.has(ip)) continue;
      sock.close();
      this.sockets.delete(ip);
    }
  }

  list(): LivenessSession[] {
    return [...this.sessions.values()];
  }

  start(): void {
    this.timer ??= setInterval(() => this.round(), TX_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const sock of this.sockets.values()) sock.close();
    this.sockets.clear();
  }

  private socketFor(localIp: string): Promise<dgram.Socket> {
    const existing = this.sockets.get(localIp);
    if (existing) return Promise.resolve(existing);
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    sock.on('message', (msg, rinfo) => this.onDatagram(localIp, msg, rinfo.address));
    sock.on('error', (err) => this.log.error('liveness.recv: non-timeout read error', { error: String(err) }));
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(this.cfg.livenessPort, localIp, () => {
        sock.off('error', reject);
        this.sockets.set(localIp, sock);
        resolve(sock);
      });
    });
  }

  private round(): void {
    const now = Date.now();
    for (const s of this.sessions.values()) {
      const t = s.tick(now);
      if (t) this.logTransition(s, t);
      const sock = this.sockets.get(s.key.localIp);
      if (!sock) continue;
      sock.send(encodePacket(s.controlPacket(this.cfg.clientVersion, 'passive')), this.cfg.livenessPort, s.key.peerIp, (err) => {
        if (!err) {
          this.metrics.txPackets++;
          return;
        }
        this.metrics.countTxError(errnoCode(err) ?? 'unknown');
        if (!s.claimWarning(Date.now())) return;
        this.log.warn('liveness.scheduler: error writing UDP packet', {
          error: `write udp ${this.listenLabel}->${s.key.peerIp}:${this.cfg.livenessPort}: sendmsg: ${goErrnoText(errnoCode(err))}`,
          peer: sessionKeyString(s.key),
        });
      });
    }
  }

  private onDatagram(localIp: string, msg: Buffer, from: string): void {
    const packet = decodePacket(msg);
    if (!packet) return;
    this.metrics.rxPackets++;
    const s = this.sessions.get(sessionKeyString({ interfaceName: this.cfg.interfaceName, localIp, peerIp: from }));
    if (!s) return;
    const t = s.receive(packet, Date.now());
    if (t) this.logTransition(s, t);
  }

  private logTransition(s: LivenessSession, t: Transition): void {
    const peer = sessionKeyString(s.key);
    this.metrics.countTransition(t.from, t.to);
    if (t.to === 'Up') this.log.info('liveness: session up', { peer });
    else if (t.to === 'Down') this.log.info('liveness: session down', { peer, reason: t.reason ?? 'unknown' });
  }
}
