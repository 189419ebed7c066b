import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import {
  compareVersions,
  instant,
  managerStarting,
  sendWarning,
  sessionDown,
  sessionUp,
  unknownPeerPacket,
  withdrawingRoute,
  WITHDRAW_ON_DISCONNECT_SINCE,
  WRITE_ERR_WARN_EVERY_MS,
  type ApiSession,
  type ClientVersion,
  type DaemonBehaviour,
  type ServiceSessionCount,
  type WriteSocketErrors,
} from '../../lib/doublezerod';
import { nowInstant } from './clock';
import type { DaemonLog } from './log';
import type { NetState } from './net-state';
import { decodePacket, encodePacket, type SessionState } from './packet';
import type { PinnedSender } from './pinned-send';
import { LivenessSession, sessionKeyId, type SessionKey, type SessionTimers, type Transition } from './session';

// The liveness manager (upstream internal/liveness/manager.go + scheduler.go), per session: a TX timer with
// upstream's jitter and Down backoff, a detect timer, the FSM in session.ts. What upstream does daemon-wide is
// daemon-wide here too: ONE send-warning throttle (scheduler.go writeErrWarnLast/writeErrWarnEvery: at most one
// `error writing UDP packet` per 5 s for the whole daemon, naming whichever session failed at that moment),
// one unknown-peer throttle (manager.go unkownPeerErrWarnEvery), and the write-error counter per
// (iface, local_ip) that counts every failure before the throttle. Every record comes from lib/doublezerod.

const UNKNOWN_PEER_WARN_EVERY_MS = 5000;

interface Managed {
  session: LivenessSession;
  nextHop: string;
  alive: boolean;
  txTimer: NodeJS.Timeout | undefined;
  detectTimer: NodeJS.Timeout | undefined;
}

export interface LivenessOptions {
  version: ClientVersion;
  behaviour: DaemonBehaviour;
  port: number;
  passiveMode: boolean;
  log: DaemonLog;
  net: NetState;
  sender: PinnedSender;
}

export class LivenessManager {
  private readonly sessions = new Map<string, Managed>();
  /** the same sessions by `localIp|peerIp`: how a received packet finds its session */
  private readonly byAddresses = new Map<string, Managed>();
  private readonly sockets = new Map<string, dgram.Socket>();
  private readonly writeErrors = new Map<string, WriteSocketErrors>();
  /** every (iface, local_ip, state) the sessions gauge ever had: upstream keeps a left state as a 0 series */
  private readonly gaugeSeries = new Set<string>();
  private lastWriteWarnMs: number | null = null;
  private lastUnknownPeerWarnMs: number | null = null;
  private nextDiscr = randomInt(1, 0x7fff_0000);
  private readonly timers: SessionTimers;
  private stopped = false;

  constructor(private readonly o: LivenessOptions) {
    const b = o.behaviour;
    this.timers = { txMinMs: b.txMinMs, rxMinMs: b.txMinMs, detectMult: 3, minTxFloorMs: 50, maxTxCeilMs: b.maxTxCeilMs, backoffMaxMs: b.backoffMaxMs };
  }

  /** NewManager: the start line, once per daemon start. */
  start(): void {
    this.o.log.write(managerStarting(this.o.version, nowInstant(), { passiveMode: this.o.passiveMode, localAddr: `0.0.0.0:${this.o.port}` }));
  }

  stop(): void {
    this.stopped = true;
    for (const m of this.sessions.values()) this.kill(m);
    for (const sock of this.sockets.values()) sock.close();
    this.sockets.clear();
  }

  /** RegisterRoute: a session per (interface, local IP, peer IP); the first packet goes out at once. */
  async registerRoute(key: SessionKey, nextHop: string): Promise<void> {
    const id = sessionKeyId(key);
    if (this.sessions.has(id)) return;
    await this.bindLocal(key.localIp);
    const m: Managed = {
      session: new LivenessSession(key, this.nextDiscr++, this.timers, Date.now()),
      nextHop,
      alive: true,
      txTimer: undefined,
      detectTimer: undefined,
    };
    this.sessions.set(id, m);
    this.byAddresses.set(`${key.localIp}|${key.peerIp}`, m);
    this.noteGauge(key, 'down');
    m.txTimer = setTimeout(() => void this.transmit(m), 0);
  }

  /** WithdrawRoute: logs the withdrawal, ends the session and its timers. */
  withdrawRoute(key: SessionKey): void {
    const m = this.sessions.get(sessionKeyId(key));
    if (!m) return;
    this.o.log.write(withdrawingRoute(nowInstant(), { peer: this.peerOf(key), nextHop: m.nextHop }));
    this.kill(m);
    this.sessions.delete(sessionKeyId(key));
    if (this.byAddresses.get(`${key.localIp}|${key.peerIp}`) === m) this.byAddresses.delete(`${key.localIp}|${key.peerIp}`);
    this.closeUnusedSockets();
  }

  list(): LivenessSession[] {
    return [...this.sessions.values()].map((m) => m.session);
  }

  apiSessions(): ApiSession[] {
    return [...this.sessions.values()].map(({ session: s, nextHop }) => ({
      iface: s.key.iface,
      localIp: s.key.localIp,
      peerIp: s.key.peerIp,
      nextHop,
      state: s.state,
      downReason: s.lastDownReason,
      lastUpdated: instant(s.lastUpdatedMs),
      expectedKernelState: 'present',
      peerMode: s.peerPassive ? 'passive' : 'active',
      peerClientVersion: s.peerClientVersion,
    }));
  }

  sessionCounts(): ServiceSessionCount[] {
    const counts = new Map<string, ServiceSessionCount>();
    for (const key of this.gaugeSeries) {
      const [iface = '', localIp = '', state = 'down'] = key.split('|');
      counts.set(key, { iface, localIp, state: state as SessionState, count: 0 });
    }
    for (const { session: s } of this.sessions.values()) {
      const entry = counts.get(`${s.key.iface}|${s.key.localIp}|${s.state}`);
      if (entry) entry.count++;
    }
    return [...counts.values()];
  }

  writeSocketErrors(): WriteSocketErrors[] {
    return [...this.writeErrors.values()].map((e) => ({ ...e }));
  }

  private peerOf(key: SessionKey) {
    return { iface: key.iface, localIp: key.localIp, peerIp: key.peerIp };
  }

  private noteGauge(key: SessionKey, state: SessionState): void {
    this.gaugeSeries.add(`${key.iface}|${key.localIp}|${state}`);
  }

  private kill(m: Managed): void {
    m.alive = false;
    clearTimeout(m.txTimer);
    clearTimeout(m.detectTimer);
  }

  private bindLocal(localIp: string): Promise<void> {
    if (this.sockets.has(localIp)) return Promise.resolve();
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    sock.on('message', (msg, rinfo) => this.onDatagram(localIp, msg, rinfo.address));
    return new Promise((resolve) => {
      sock.once('error', () => {
        // The address is not on the node: sends for it are judged by the model (pinned-send.ts).
        sock.close();
        resolve();
      });
      sock.bind(this.o.port, localIp, () => {
        sock.removeAllListeners('error');
        sock.on('error', () => undefined);
        this.sockets.set(localIp, sock);
        resolve();
      });
    });
  }

  private closeUnusedSockets(): void {
    const inUse = new Set([...this.sessions.values()].map((m) => m.session.key.localIp));
    for (const [ip, sock] of this.sockets) {
      if (inUse.has(ip)) continue;
      sock.close();
      this.sockets.delete(ip);
    }
  }

  private packetFor(s: LivenessSession): Buffer {
    // Flags and the client version ride in bytes 20..24 since v0.8.1; earlier daemons leave them zero.
    const modern = compareVersions(this.o.version, WITHDRAW_ON_DISCONNECT_SINCE) >= 0;
    return encodePacket({
      ...s.controlPacket(),
      passive: modern && this.o.passiveMode,
      clientVersion: modern ? this.o.version : { major: 0, minor: 0, patch: 0 },
    });
  }

  private async transmit(m: Managed): Promise<void> {
    if (!m.alive || this.stopped) return;
    const s = m.session;
    const result = await this.o.sender.send(this.sockets.get(s.key.localIp), s.key, this.packetFor(s), this.o.net.current);
    if (!m.alive || this.stopped) return;
    if (!result.ok) this.sendFailed(s, result.error);
    m.txTimer = setTimeout(() => void this.transmit(m), s.nextTxDelayMs(Math.random()));
  }

  private sendFailed(s: LivenessSession, error: string): void {
    const service = `${s.key.iface}|${s.key.localIp}`;
    const counter = this.writeErrors.get(service) ?? { iface: s.key.iface, localIp: s.key.localIp, count: 0 };
    counter.count++;
    this.writeErrors.set(service, counter);
    const now = Date.now();
    if (this.lastWriteWarnMs !== null && now - this.lastWriteWarnMs < WRITE_ERR_WARN_EVERY_MS) return;
    this.lastWriteWarnMs = now;
    this.o.log.write(sendWarning(this.o.version, nowInstant(), this.peerOf(s.key), error));
  }

  private onDatagram(localIp: string, msg: Buffer, from: string): void {
    const packet = decodePacket(msg);
    if (!packet || this.stopped) return;
    const owner = this.byAddresses.get(`${localIp}|${from}`);
    if (!owner) return this.unknownPeer(localIp, from, packet.localDiscr, packet.peerDiscr, packet.state);
    const now = Date.now();
    const t = owner.session.receive(packet, now);
    this.armDetect(owner);
    if (t) this.transitioned(owner, t);
  }

  private unknownPeer(localIp: string, peerIp: string, peerLocalDiscr: number, peerDiscr: number, state: SessionState): void {
    const now = Date.now();
    if (this.lastUnknownPeerWarnMs !== null && now - this.lastUnknownPeerWarnMs < UNKNOWN_PEER_WARN_EVERY_MS) return;
    this.lastUnknownPeerWarnMs = now;
    // The socket is bound to one local IP of the tunnel; upstream reads the interface from IP_PKTINFO.
    const iface = [...this.sessions.values()].find((m) => m.session.key.localIp === localIp)?.session.key.iface ?? 'doublezero0';
    this.o.log.write(unknownPeerPacket(this.o.version, nowInstant(), { peer: { iface, localIp, peerIp }, peerDiscr, localDiscr: peerLocalDiscr, state }));
  }

  private armDetect(m: Managed): void {
    clearTimeout(m.detectTimer);
    if (m.session.state !== 'up' && m.session.state !== 'init') return;
    m.detectTimer = setTimeout(() => {
      if (!m.alive) return;
      const t = m.session.expire(Date.now());
      if (!t) return this.armDetect(m);
      this.transitioned(m, t);
      // tryExpire pushes an immediate TX so the peer hears Down at once
      clearTimeout(m.txTimer);
      m.txTimer = setTimeout(() => void this.transmit(m), 0);
    }, m.session.detectTimeMs() + 1);
  }

  private transitioned(m: Managed, t: Transition): void {
    const s = m.session;
    this.noteGauge(s.key, t.to);
    const at = nowInstant();
    const convergenceNanos = s.lastConvergenceMs * 1_000_000;
    if (t.to === 'up') {
      this.o.log.write(
        sessionUp(this.o.version, at, {
          peer: this.peerOf(s.key),
          nextHop: m.nextHop,
          convergenceNanos,
          upSince: instant(s.upSinceMs ?? Date.now()),
          noOp: this.o.passiveMode ? 'global-passive' : null,
          peerAdvertisedMode: s.peerPassive ? 'passive' : 'active',
          peerClientVersion: s.peerClientVersion,
        }),
      );
    } else if (t.to === 'down') {
      const event = {
        peer: this.peerOf(s.key),
        nextHop: m.nextHop,
        convergenceNanos,
        downSince: instant(s.downSinceMs),
        downReason: t.reason,
        peerClientVersion: s.peerClientVersion,
      };
      this.o.log.write(sessionDown(this.o.version, at, event, { globalPassive: this.o.passiveMode }));
    }
  }
}
