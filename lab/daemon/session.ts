import type { ControlPacket, PeerMode, SessionState } from './packet';

// One liveness session's state machine, after BFD (RFC 5880 §6.8.6) reduced to what the lab needs.
// Pure: the caller passes the time and acts on the returned transition (log, route, metrics).

export type DownReason = 'timeout' | 'remote_admin' | 'remote_down' | 'local_admin';

export interface SessionKey {
  interfaceName: string;
  localIp: string;
  peerIp: string;
}

export interface Transition {
  from: SessionState;
  to: SessionState;
  reason?: DownReason;
}

export const TX_INTERVAL_MS = 1000;
export const DETECT_MULTIPLIER = 3;
/** the send warning is logged at most once per this interval per session */
export const WARN_INTERVAL_MS = 5000;

export function sessionKeyString(k: SessionKey): string {
  return `interface: ${k.interfaceName}, localIP: ${k.localIp}, peerIP: ${k.peerIp}`;
}

export class LivenessSession {
  state: SessionState = 'Down';
  lastDownReason: DownReason | undefined;
  remoteDiscriminator = 0;
  peerMode: PeerMode = 'passive';
  peerClientVersion = '';
  lastUpdatedMs: number;
  private lastRxMs: number | undefined;
  private lastWarnMs: number | undefined;

  constructor(
    readonly key: SessionKey,
    readonly localDiscriminator: number,
    nowMs: number,
  ) {
    this.lastUpdatedMs = nowMs;
  }

  receive(p: ControlPacket, nowMs: number): Transition | null {
    this.lastRxMs = nowMs;
    this.remoteDiscriminator = p.myDiscriminator;
    this.peerMode = p.peerMode;
    this.peerClientVersion = p.clientVersion;
    if (p.state === 'AdminDown') return this.state === 'Down' ? null : this.move('Down', nowMs, 'remote_admin');
    switch (this.state) {
      case 'Down':
        if (p.state === 'Down') return this.move('Init', nowMs);
        if (p.state === 'Init') return this.move('Up', nowMs);
        return null;
      case 'Init':
        return p.state === 'Init' || p.state === 'Up' ? this.move('Up', nowMs) : null;
      case 'Up':
        return p.state === 'Down' ? this.move('Down', nowMs, 'remote_down') : null;
      default:
        return null;
    }
  }

  /** Detection timer: nothing heard for DETECT_MULTIPLIER intervals brings an Init/Up session down. */
  tick(nowMs: number): Transition | null {
    if (this.state !== 'Init' && this.state !== 'Up') return null;
    if (this.lastRxMs !== undefined && nowMs - this.lastRxMs <= DETECT_MULTIPLIER * TX_INTERVAL_MS) return null;
    return this.move('Down', nowMs, 'timeout');
  }

  /** True when a send failure should be logged now (rate limit per session). */
  claimWarning(nowMs: number): boolean {
    if (this.lastWarnMs !== undefined && nowMs - this.lastWarnMs < WARN_INTERVAL_MS) return false;
    this.lastWarnMs = nowMs;
    return true;
  }

  controlPacket(clientVersion: string, mode: PeerMode): ControlPacket {
    return {
      state: this.state,
      detectMultiplier: DETECT_MULTIPLIER,
      peerMode: mode,
      myDiscriminator: this.localDiscriminator,
      yourDiscriminator: this.remoteDiscriminator,
      desiredMinTxMicros: TX_INTERVAL_MS * 1000,
      requiredMinRxMicros: TX_INTERVAL_MS * 1000,
      clientVersion,
    };
  }

  private move(to: SessionState, nowMs: number, reason?: DownReason): Transition {
    const t: Transition = { from: this.state, to, ...(reason ? { reason } : {}) };
    this.state = to;
    this.lastUpdatedMs = nowMs;
    if (reason) this.lastDownReason = reason;
    if (to === 'Down') this.lastRxMs = undefined;
    return t;
  }
}
