import { createHash } from 'node:crypto';
import { PROBE_MAGIC, SECTION_STDERR_CAP, sectionStdoutCap } from '../../lib/probe/script';
import { TUNNEL_IFACE, type SimNodeState } from './state';

// A node whose kernel holds a huge route table (scenario `routeTableSize`, e.g. a full Internet
// table learned over BGP): its ip-route section is rendered lazily and streamed in ~1 MiB pieces,
// never built as one string, so the simulated fleet stays small while the agent receives the
// ~190 MB reply a real 1,000,000-route node sends. Only the probe's ip-route section carries the
// extra routes; they are BGP /24s through doublezero0, after the node's own routes.

const PIECE_BYTES = 1024 * 1024;
/** a multiple of 3 so pieces encode to base64 with no padding in the middle */
const B64_PIECE_BYTES = 3 * 256 * 1024;

/** One route of the bulk, as `ip -j route show table all` prints a BGP route. */
function bulkRouteJson(i: number, gateway: string, prefsrc: string): string {
  return `{"dst":"${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24","gateway":"${gateway}","dev":"${TUNNEL_IFACE}","protocol":"bgp","prefsrc":"${prefsrc}","flags":[]}`;
}

/** How many routes the node's own table (`ownTable`, the rendered JSON array) has. */
function ownRouteCount(ownTable: string): number {
  const parsed: unknown = JSON.parse(ownTable);
  return Array.isArray(parsed) ? parsed.length : 0;
}

/**
 * The ip-route section's stdout in pieces: the node's own routes then enough bulk routes for
 * `state.routeTableSize` in all, cut at the probe's `head -c` limit like the real probe.
 */
export function* bigRouteTablePieces(state: SimNodeState, ownTable: string): Generator<Buffer> {
  const total = state.routeTableSize ?? 0;
  const own = ownRouteCount(ownTable);
  const limit = sectionStdoutCap('ip-route') + 1;
  const gateway = state.dzNetwork.overlayPeer;
  const prefsrc = state.daemon.provision?.dzIp ?? state.publicIp;
  let sent = 0;
  const emit = (text: string): Buffer | undefined => {
    if (sent >= limit) return undefined;
    const b = Buffer.from(text, 'latin1').subarray(0, limit - sent);
    sent += b.length;
    return b;
  };
  const head = ownTable.trimEnd().replace(/\]$/, '');
  let piece = head;
  for (let i = 0; i < total - own; i++) {
    piece += (i === 0 && own === 0 ? '' : ',') + bulkRouteJson(i, gateway, prefsrc);
    if (piece.length >= PIECE_BYTES) {
      const b = emit(piece);
      if (!b) return;
      yield b;
      piece = '';
    }
  }
  const b = emit(piece + ']\n');
  if (b) yield b;
}

/** base64 of the concatenated pieces, re-cut so every piece but the last is a multiple of 3 bytes. */
function* base64Pieces(pieces: Iterable<Buffer>): Generator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for (const p of pieces) {
    carry = carry.length ? Buffer.concat([carry, p]) : p;
    const whole = carry.length - (carry.length % 3);
    for (let at = 0; at < whole; at += B64_PIECE_BYTES)
      yield Buffer.from(carry.subarray(at, Math.min(whole, at + B64_PIECE_BYTES)).toString('base64'), 'latin1');
    carry = carry.subarray(whole);
  }
  if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
}

// Hashing 140 MB takes a while; a node's table only changes with its own routes, so remember it.
const hashes = new Map<string, string>();
const HASHES_KEPT = 32;

/** sha256 of the section's stdout as the probe hashes it (after the size cut). */
export function bigRouteTableHash(state: SimNodeState, ownTable: string): string {
  const key = `${state.routeTableSize ?? 0}|${state.dzNetwork.overlayPeer}|${state.daemon.provision?.dzIp ?? state.publicIp}|${ownTable}`;
  const held = hashes.get(key);
  if (held) return held;
  const h = createHash('sha256');
  for (const p of bigRouteTablePieces(state, ownTable)) h.update(p);
  const digest = h.digest('hex');
  if (hashes.size >= HASHES_KEPT) hashes.delete(hashes.keys().next().value ?? '');
  hashes.set(key, digest);
  return digest;
}

/** The probe line of the ip-route section, streamed: `FNH1 ip-route <base64...> <rc> <stderr b64>\n`. */
export function* bigRouteTableLine(state: SimNodeState, ownTable: string, exitCode: number, stderr: string): Generator<Buffer> {
  yield Buffer.from(`${PROBE_MAGIC} ip-route `, 'latin1');
  yield* base64Pieces(bigRouteTablePieces(state, ownTable));
  yield Buffer.from(` ${exitCode} ${Buffer.from(stderr).subarray(0, SECTION_STDERR_CAP).toString('base64')}\n`, 'latin1');
}
