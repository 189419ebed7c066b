import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { encodePacket } from '../../../lab/daemon/packet';
import { kernelFiles, type KernelFile, type KernelSections } from './kernel';
import { SEED_ADDRESSES, type SeedCapture } from './verdict-fixtures';

// Takes the kernel sections of the per-verdict fixtures (verdict-fixtures.ts) from real network namespaces, as root.
// The lab (lab/README.md) numbers its nodes in 198.18.0.0/15; these fixtures keep the seed report's addresses
// (203.0.113.10 public, 209.245.225.161 allocated, peers 216.238.110.55 and 198.18.7.55) because the tests that
// read them name those, so each state is built here the way the lab builds a node and its stand-in daemon changes
// it: a namespace pair (the node, and the tunnel's far end holding the peers), doublezero0 a veth with mtu 1476 and
// the overlay /31, the node's BGP /32s `proto bgp` via the overlay peer with the DZ IP as source. Then the state's
// change, made with the same commands as lab/up.sh and the stand-in (ip, nft), and the probe's own commands run
// inside the node's namespace. Nothing routes out of the namespaces; they are deleted afterwards.
const run = promisify(execFile);

const captures: readonly SeedCapture[] = ['allocated', 'interface-missing', 'interface-down', 'seed', 'routes-deleted', 'firewalled'];
const PEER_END = 'dzd0';
const LIVENESS_PORT = 44880;

async function cmd(file: string, args: readonly string[], input?: string): Promise<string> {
  const child = run(file, [...args], { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

const ip = (args: readonly string[]) => cmd('ip', args);

interface Pair {
  node: string;
  far: string;
}

/** doublezero0: a veth toward the far end (the host has no gre module; the kernel decides alike), overlay /31, up. */
async function addTunnel(p: Pair): Promise<void> {
  await ip(['-n', p.node, 'link', 'add', 'doublezero0', 'mtu', '1476', 'type', 'veth', 'peer', 'name', PEER_END, 'netns', p.far, 'mtu', '1476']);
  await ip(['-n', p.node, 'addr', 'add', `${SEED_ADDRESSES.overlayLocal}/31`, 'dev', 'doublezero0']);
  await ip(['-n', p.far, 'addr', 'add', `${SEED_ADDRESSES.overlayPeer}/31`, 'dev', PEER_END]);
  await ip(['-n', p.node, 'link', 'set', 'doublezero0', 'up']);
  await ip(['-n', p.far, 'link', 'set', PEER_END, 'up']);
}

/** What the daemon's BGP installs: one /32 per peer in table main, proto bgp, via the overlay peer, src = the DZ IP. */
async function addBgpRoutes(p: Pair, src: string): Promise<void> {
  for (const peer of SEED_ADDRESSES.peers) {
    await ip(['-n', p.node, 'route', 'add', `${peer}/32`, 'via', SEED_ADDRESSES.overlayPeer, 'dev', 'doublezero0', 'proto', 'bgp', 'src', src]);
  }
  await ip(['-n', p.far, 'route', 'replace', `${src}/32`, 'via', SEED_ADDRESSES.overlayLocal, 'dev', PEER_END]);
}

/** A node connected with `connect ibrl -a`: the allocated /32 on doublezero0, its routes with that source. */
async function connectedWithAllocatedIp(p: Pair): Promise<void> {
  for (const ns of [p.node, p.far]) await ip(['netns', 'add', ns]);
  for (const ns of [p.node, p.far]) await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  await ip(['-n', p.node, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'uplink', 'netns', p.far]);
  await ip(['-n', p.node, 'addr', 'add', `${SEED_ADDRESSES.publicIp}/24`, 'dev', 'eth0']);
  await ip(['-n', p.far, 'addr', 'add', `${SEED_ADDRESSES.deviceIp}/24`, 'dev', 'uplink']);
  await ip(['-n', p.node, 'link', 'set', 'eth0', 'up']);
  await ip(['-n', p.far, 'link', 'set', 'uplink', 'up']);
  for (const peer of SEED_ADDRESSES.peers) await ip(['-n', p.far, 'addr', 'add', `${peer}/32`, 'dev', 'lo']);
  await addTunnel(p);
  await ip(['-n', p.node, 'addr', 'add', `${SEED_ADDRESSES.allocatedIp}/32`, 'dev', 'doublezero0']);
  await addBgpRoutes(p, SEED_ADDRESSES.allocatedIp);
}

/**
 * Sends `count` liveness packets from the node's 0.0.0.0:44880 to the blocked peer, as its daemon did between the
 * block and the collection (verdict-fixtures.ts firewalledSendCount): each is refused with EPERM and counted by
 * the rule, so the counter the capture reads is the kernel's own.
 */
async function sendRefused(p: Pair, count: number): Promise<void> {
  const packet = encodePacket({
    state: 'down',
    detectMult: 3,
    localDiscr: 0x2f1c_9a07,
    peerDiscr: 0,
    desiredMinTxUs: 300_000,
    requiredMinRxUs: 300_000,
    passive: false,
    clientVersion: { major: 0, minor: 0, patch: 0 },
  });
  const script = `
    const dgram = require('node:dgram');
    const [count, hex, peer, port] = process.argv.slice(1);
    const sock = dgram.createSocket('udp4');
    const buf = Buffer.from(hex, 'hex');
    let refused = 0;
    sock.bind(Number(port), '0.0.0.0', async () => {
      for (let i = 0; i < Number(count); i++) {
        await new Promise((done) => sock.send(buf, Number(port), peer, (err) => { if (err && err.code === 'EPERM') refused++; done(); }));
      }
      sock.close();
      process.stdout.write(String(refused));
    });`;
  const out = await cmd('ip', [
    'netns',
    'exec',
    p.node,
    process.execPath,
    '-e',
    script,
    String(count),
    packet.toString('hex'),
    SEED_ADDRESSES.blockedPeer,
    String(LIVENESS_PORT),
  ]);
  if (Number(out) !== count) throw new Error(`the nft rule refused ${out} of ${count} sends`);
}

/** Brings the node from connected-with--a into the capture's state. */
async function reach(p: Pair, capture: SeedCapture, firewalledSends: number): Promise<void> {
  switch (capture) {
    case 'allocated':
      return;
    case 'interface-missing':
      await ip(['-n', p.node, 'link', 'del', 'doublezero0']);
      return;
    case 'interface-down':
      await ip(['-n', p.node, 'link', 'set', 'doublezero0', 'down']);
      return;
    case 'seed':
      // disconnect: upstream deletes the tunnel (its /32 and routes go with it); connect without -a re-creates it,
      // and BGP installs the routes with the public IP as source
      await ip(['-n', p.node, 'link', 'del', 'doublezero0']);
      await addTunnel(p);
      await addBgpRoutes(p, SEED_ADDRESSES.publicIp);
      return;
    case 'routes-deleted':
      for (const peer of SEED_ADDRESSES.peers) await ip(['-n', p.node, 'route', 'del', `${peer}/32`, 'dev', 'doublezero0']);
      return;
    case 'firewalled':
      await cmd(
        'ip',
        ['netns', 'exec', p.node, 'nft', '-f', '-'],
        [
          'table inet filter {',
          '  chain output {',
          '    type filter hook output priority filter; policy accept;',
          `    ip daddr ${SEED_ADDRESSES.blockedPeer} udp dport ${LIVENESS_PORT} counter drop comment "block liveness to one peer"`,
          '  }',
          '}',
          '',
        ].join('\n'),
      );
      await sendRefused(p, firewalledSends);
      return;
  }
}

async function kernelOf(p: Pair): Promise<KernelSections> {
  const entries: [KernelFile, string][] = [];
  for (const [file, argv] of Object.entries(kernelFiles) as [KernelFile, readonly string[]][])
    entries.push([file, await cmd('ip', ['netns', 'exec', p.node, ...argv])]);
  return Object.fromEntries(entries) as KernelSections;
}

export async function captureSeedStates(log: (line: string) => void, opts: { firewalledSends: number }): Promise<Map<SeedCapture, KernelSections>> {
  if (process.getuid?.() !== 0) throw new Error('capturing from network namespaces needs root; use --kernel-from to regenerate without it');
  const out = new Map<SeedCapture, KernelSections>();
  for (const capture of captures) {
    const p: Pair = { node: `fnhfx-${process.pid}-${capture}`, far: `fnhfx-${process.pid}-${capture}-far` };
    try {
      await connectedWithAllocatedIp(p);
      await reach(p, capture, opts.firewalledSends);
      out.set(capture, await kernelOf(p));
      log(`captured ${capture}`);
    } finally {
      for (const ns of [p.node, p.far]) await ip(['netns', 'del', ns]).catch(() => undefined);
    }
  }
  return out;
}
