import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { holdLabLock, labScript, readLab, waitFor, type Lab, type LabNode } from '../../../lab/test/lab-env';
import { kernelFiles, type KernelFile, type KernelSections } from './kernel';
import type { KernelCapture } from './fixtures';

// Takes the kernel sections of every capture the upstream-* fixtures need from a fresh lab (lab/README.md), as
// root: brings the lab up (holding the machine's lab lock), walks lab-a through the seed bug and its two ways
// out, deletes lab-g's doublezero0 for the multicast-only capture, and tears the lab down again. The sections are
// the real output of the probe's commands inside each node's network namespace.
const run = promisify(execFile);

async function inNetns(node: LabNode, argv: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', node.netns, ...argv], { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  return stdout;
}

/** Runs argv inside the node's network, UTS and mount namespaces (its shims: systemctl, journalctl). */
async function inNode(node: LabNode, argv: readonly string[]): Promise<string> {
  const { stdout } = await run('nsenter', ['-t', String(node.holderPid), '-n', '-u', '-m', '--', ...argv], { timeout: 60_000 });
  return stdout;
}

async function kernelOf(node: LabNode): Promise<KernelSections> {
  const entries = await Promise.all(Object.entries(kernelFiles).map(async ([file, argv]) => [file, await inNetns(node, argv)] as const));
  return Object.fromEntries(entries) as Record<KernelFile, string>;
}

function node(lab: Lab, name: string): LabNode {
  const found = lab.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`the lab has no node ${name}`);
  return found;
}

async function warningsFrom(n: LabNode, localIp: string, sinceEpoch: number): Promise<number> {
  const out = await inNode(n, ['journalctl', '-u', 'doublezerod', '-o', 'cat', '--since', `@${sinceEpoch}`]);
  return out.split('\n').filter((l) => l.includes('error writing UDP packet') && l.includes(`localIP: ${localIp},`)).length;
}

export async function captureFromLab(log: (line: string) => void): Promise<Map<KernelCapture, KernelSections>> {
  if (process.getuid?.() !== 0) throw new Error('capturing from the lab needs root (network namespaces); use --kernel-from to regenerate without it');
  const release = await holdLabLock();
  const captures = new Map<KernelCapture, KernelSections>();
  try {
    log('lab: up');
    await labScript('up.sh');
    const lab = readLab();
    const seedNode = node(lab, 'lab-a');
    // the seed state: the allocated IP's sessions failing for real before the kernel state is taken
    await waitFor(
      'the seed node to log its stale sessions',
      async () => ((await warningsFrom(seedNode, seedNode.allocatedIp, 0)) > 0 ? true : undefined),
      60_000,
    );
    captures.set('seed', await kernelOf(seedNode));
    captures.set('firewalled', await kernelOf(node(lab, 'lab-c')));
    captures.set('healthy', await kernelOf(node(lab, 'lab-e')));
    const mc = node(lab, 'lab-g');
    captures.set('multicast-down', await kernelOf(mc));
    log('captured seed, firewalled, healthy, multicast-down');

    // the allocated IP assigned again: the stale sessions' sends are accepted, the warnings stop
    await inNetns(seedNode, ['ip', 'addr', 'add', `${seedNode.allocatedIp}/32`, 'dev', 'doublezero0']);
    const reassignedAt = Math.ceil(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, 7_000));
    if ((await warningsFrom(seedNode, seedNode.allocatedIp, reassignedAt)) > 0) throw new Error('the stale sessions still fail with their IP assigned');
    captures.set('seed-ip-reassigned', await kernelOf(seedNode));
    await inNetns(seedNode, ['ip', 'addr', 'del', `${seedNode.allocatedIp}/32`, 'dev', 'doublezero0']);
    log('captured seed-ip-reassigned');

    // a restart: a new daemon without the stale sessions, the kernel as it was
    await waitFor(
      'the stale sessions to fail again',
      async () => ((await warningsFrom(seedNode, seedNode.allocatedIp, reassignedAt + 7)) > 0 ? true : undefined),
      30_000,
    );
    const before = (await inNode(seedNode, ['systemctl', 'show', '-p', 'MainPID', '--value', 'doublezerod'])).trim();
    await inNode(seedNode, ['systemctl', 'restart', 'doublezerod']);
    const after = (await inNode(seedNode, ['systemctl', 'show', '-p', 'MainPID', '--value', 'doublezerod'])).trim();
    if (after === before || after === '0') throw new Error(`doublezerod did not restart (MainPID ${before} → ${after})`);
    captures.set('seed-restarted', await kernelOf(seedNode));
    log(`captured seed-restarted (MainPID ${before} → ${after})`);

    // multicast only: no doublezero0 at all
    await inNetns(mc, ['ip', 'link', 'del', 'doublezero0']);
    captures.set('multicast-only-down', await kernelOf(mc));
    log('captured multicast-only-down');
  } finally {
    try {
      await labScript('down.sh');
      log('lab: down');
    } finally {
      release();
    }
  }
  return captures;
}
