import type { ControlPacket, SessionState } from './packet';

// One liveness session, after upstream's internal/liveness/session.go (client/v0.8.0 … v0.8.3): the BFD-like
// state machine (HandleRx, ExpireIfDue), the timers (txInterval, rxInterval, detectTime) and when the next
// packet goes out (ComputeNextTx: ±10 % jitter; while Down the interval doubles up to BackoffMax).
// Pure: the caller passes the time and acts on what changed (logs, routes, metrics).

export type DownReason = 'none' | 'timeout' | 'remote_admin' | 'local_admin' | 'remote_down';

export interface SessionKey {
  iface: string;
  localIp: string;
  peerIp: string;
}

export interface SessionTimers {
  txMinMs: number;
  rxMinMs: number;
  detectMult: number;
  minTxFloorMs: number;
  maxTxCeilMs: number;
  backoffMaxMs: number;
}

export interface Transition {
  from: SessionState;
  to: SessionState;
  reason: DownReason;
}

export function sessionKeyId(k: SessionKey): string {
  return `${k.iface}|${k.localIp}|${k.peerIp}`;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

export class LivenessSession {
  state: SessionState = 'down';
  peerDiscr = 0;
  lastDownReason: DownReason = 'none';
  peerPassive = false;
  peerClientVersion = '0.0.0';
  lastUpdatedMs: number;
  upSinceMs: number | null = null;
  downSinceMs: number;
  /** how long the last transition took to converge (the records' `convergence`), ms */
  lastConvergenceMs = 0;
  private convUpStartMs: number | null = null;
  private lastRxMs: number | null = null;
  private peerTxMinMs = 0;
  private peerRxMinMs = 0;
  private detectDeadlineMs: number | null = null;
  private backoffFactor = 1;

  constructor(
    readonly key: SessionKey,
    readonly localDiscr: number,
    readonly timers: SessionTimers,
    nowMs: number,
  ) {
    this.lastUpdatedMs = nowMs;
    this.downSinceMs = nowMs;
  }

  txIntervalMs(): number {
    return clamp(Math.max(this.timers.txMinMs, this.peerRxMinMs), this.timers.minTxFloorMs, this.timers.maxTxCeilMs);
  }

  rxIntervalMs(): number {
    const ref = Math.max(this.peerTxMinMs, this.timers.rxMinMs) || this.timers.rxMinMs;
    return clamp(ref, this.timers.minTxFloorMs, this.timers.maxTxCeilMs);
  }

  detectTimeMs(): number {
    return this.timers.detectMult * this.rxIntervalMs();
  }

  /** ComputeNextTx: the delay before this session's next packet; `random` in [0, 1) draws the jitter. */
  nextTxDelayMs(random: number): number {
    let eff = this.txIntervalMs();
    if (this.state === 'down') eff = Math.min(eff * this.backoffFactor, this.timers.backoffMaxMs);
    const jitter = eff / 10;
    const delay = eff - jitter + random * 2 * jitter;
    if (this.state === 'down') {
      if (eff < this.timers.backoffMaxMs) this.backoffFactor *= 2;
    } else {
      this.backoffFactor = 1;
    }
    return delay;
  }

  controlPacket(): Omit<ControlPacket, 'passive' | 'clientVersion'> {
    return {
      state: this.state,
      detectMult: this.timers.detectMult,
      localDiscr: this.localDiscr,
      peerDiscr: this.peerDiscr,
      desiredMinTxUs: this.timers.txMinMs * 1000,
      requiredMinRxUs: this.timers.rxMinMs * 1000,
    };
  }

  /** HandleRx: one packet from the peer. Returns the transition, if the state changed. */
  receive(p: ControlPacket, nowMs: number): Transition | null {
    if (this.state === 'admin_down') return null;
    if (p.peerDiscr !== 0 && p.peerDiscr !== this.localDiscr) return null;
    const prev = this.state;
    this.peerPassive = p.passive;
    this.peerClientVersion = `${p.clientVersion.major}.${p.clientVersion.minor}.${p.clientVersion.patch}`;
    if (p.state === 'admin_down') return this.goDown(nowMs, 'remote_admin');
    if (p.state === 'down' && (prev === 'up' || prev === 'init')) {
      // a stale remote Down right after coming up is the peer's own detect timeout: ignored
      if (prev === 'up' && this.upSinceMs !== null && nowMs - this.upSinceMs < this.detectTimeMs()) return null;
      return this.goDown(nowMs, 'remote_down');
    }
    if (prev === 'down' && this.convUpStartMs === null) this.convUpStartMs = nowMs;
    this.lastRxMs = nowMs;
    if (this.peerDiscr === 0 && p.localDiscr !== 0) this.peerDiscr = p.localDiscr;
    this.peerTxMinMs = clamp(p.desiredMinTxUs / 1000, this.timers.minTxFloorMs, this.timers.maxTxCeilMs);
    this.peerRxMinMs = clamp(p.requiredMinRxUs / 1000, this.timers.minTxFloorMs, this.timers.maxTxCeilMs);
    this.detectDeadlineMs = nowMs + this.detectTimeMs();
    const echoesUs = p.peerDiscr === this.localDiscr && (p.state === 'init' || p.state === 'up');
    if (prev === 'down' && this.peerDiscr !== 0) {
      this.moveTo(echoesUs ? 'up' : 'init', nowMs);
    } else if (prev === 'init' && this.peerDiscr !== 0 && echoesUs) {
      this.moveTo('up', nowMs);
    } else if (prev === 'up' && p.localDiscr !== 0 && p.localDiscr !== this.peerDiscr) {
      this.peerDiscr = p.localDiscr; // the peer restarted; packets still flow, so the session stays up
    }
    return this.state === prev ? null : { from: prev, to: this.state, reason: 'none' };
  }

  /** ExpireIfDue: nothing heard for detectTime brings an init/up session down with reason timeout. */
  expire(nowMs: number): Transition | null {
    if ((this.state !== 'up' && this.state !== 'init') || this.detectDeadlineMs === null || nowMs < this.detectDeadlineMs) return null;
    return this.goDown(nowMs, 'timeout');
  }

  private moveTo(to: SessionState, nowMs: number): void {
    this.state = to;
    if (to === 'up') {
      this.upSinceMs = nowMs;
      this.lastConvergenceMs = nowMs - (this.convUpStartMs ?? nowMs);
      this.convUpStartMs = null;
    }
    this.lastDownReason = 'none';
    this.backoffFactor = 1;
    this.lastUpdatedMs = nowMs;
  }

  private goDown(nowMs: number, reason: DownReason): Transition | null {
    const prev = this.state;
    // a timeout converged from when the next packet was due after the last one heard
    const missingSince = reason === 'timeout' && this.lastRxMs !== null ? Math.min(nowMs, this.lastRxMs + this.rxIntervalMs()) : nowMs;
    this.lastConvergenceMs = nowMs - missingSince;
    this.convUpStartMs = null;
    this.state = 'down';
    this.downSinceMs = nowMs;
    this.lastDownReason = reason;
    this.upSinceMs = null;
    this.detectDeadlineMs = null;
    this.backoffFactor = 1;
    this.lastUpdatedMs = nowMs;
    return prev === 'down' ? null : { from: prev, to: 'down', reason };
  }
}
