import { instant, slogJsonLine } from '../../lib/doublezerod';
import type { SimNodeState } from './state';

// A compromised or broken node that prints markup where names and messages belong: an interface name,
// a hostname and liveness log records carrying HTML/script payloads. Every payload calls alert() with a
// marker if it ever runs, so a browser test can prove it is shown as text and never executed.

export const hostilePayloads = {
  /** an interface name (the kernel caps names at 15 bytes; a hostile `ip -j` printer does not) */
  ifname: '<img src=x onerror=alert("fnh-xss-ifname")>',
  hostname: '<svg/onload=alert("fnh-xss-hostname")>',
  /** starts with `liveness` so the journal parser keeps it as a liveness event */
  message: 'liveness: session down <script>alert("fnh-xss-msg")</script>',
  error: '<img src=x onerror=alert("fnh-xss-error")>',
} as const;

/** Turns a simulated node hostile in place; call it before the agent's first poll. `nowMs` dates the log record. */
export function makeHostile(state: SimNodeState, nowMs: number): void {
  state.links.push({ ifindex: state.nextIfindex++, name: hostilePayloads.ifname, kind: 'ether', up: true, mtu: 1500, address: '02:00:5e:00:53:99' });
  state.name = hostilePayloads.hostname;
  const session = state.daemon.sessions[0];
  const peer = session
    ? `interface: ${session.iface}, localIP: ${session.localIp}, peerIP: ${session.peerIp}`
    : 'interface: doublezero0, localIP: 192.0.2.1, peerIP: 192.0.2.2';
  const line = slogJsonLine(instant(nowMs), 'INFO', hostilePayloads.message, [
    ['peer', peer],
    ['error', hostilePayloads.error],
  ]);
  state.history.infos.push({ atMs: nowMs, subMsNanos: 0, pid: state.daemon.pid, line });
}
