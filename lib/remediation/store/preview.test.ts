import { describe, expect, it } from 'vitest';
import type { RemoteRunResult } from '../ports';
import type { UserRow } from '../../auth/store/users';
import { previewRemediation } from './preview';
import type { RemediationRuntime } from './runtime';

// The preview of reconnect-daemon reads each node's connection mode from the node (the daemon's
// GET /status, as upstream client/doublezerod/internal/manager/http.go writes it) and shows the
// command that keeps it; without a clear answer it refuses.

const status = (userType: string, dzIp: string) =>
  `${JSON.stringify([{ tunnel_name: 'doublezero0', tunnel_src: '198.18.0.10', tunnel_dst: '64.86.248.128', doublezero_ip: dzIp, doublezero_status: { session_status: 'BGP Session Up', last_session_update: 1764531382 }, user_type: userType }])}\n`;

const answers: Record<string, RemoteRunResult> = {
  'allocated-node': { exitCode: 0, stdout: status('IBRLWithAllocatedIP', '209.245.228.1'), stderr: '', truncated: false, timedOut: false },
  'plain-node': { exitCode: 0, stdout: status('IBRL', '198.18.0.10'), stderr: '', truncated: false, timedOut: false },
  'multicast-node': { exitCode: 0, stdout: status('Multicast', ''), stderr: '', truncated: false, timedOut: false },
  'stopped-node': { exitCode: 7, stdout: '', stderr: '', truncated: false, timedOut: false },
};

function runtime() {
  const ran: { node: string; argv: readonly string[] }[] = [];
  const rt: RemediationRuntime = {
    executor: {
      async run(node, argv) {
        ran.push({ node, argv });
        const a = answers[node];
        if (!a) throw new Error(`ssh: ${node} unreachable`);
        return a;
      },
    },
    health: {
      evidence: async () => ({ collectedAt: '2026-11-26T05:00:00.000Z', verdicts: [{ peer: '216.238.110.55', verdict: 'no-route' }] }),
      pollNow: async () => undefined,
      exists: async (node) => node in answers || node === 'unreachable-node',
    },
  };
  return { rt, ran };
}

const operator: UserRow = { id: 'u-op', username: 'op', role: 'operator', source: 'local', disabled: false };
const preview = (rt: RemediationRuntime, nodes: string[]) => previewRemediation(rt, operator, { action: 'reconnect-daemon', nodes });

describe('reconnect-daemon preview', () => {
  it('a node connected with an allocated IP: the preview says so and reconnects with -a', async () => {
    const { rt } = runtime();
    const [n] = (await preview(rt, ['allocated-node'])).nodes;
    expect(n!.chosenBecause).toBe('connected as IBRL with allocated IP (DZ IP 209.245.228.1): will run `doublezero connect ibrl -a`');
    expect(n!.commands).toContain('sudo -n doublezero connect ibrl -a');
    expect(n!.commands).toContain('sudo -n doublezero disconnect ibrl');
    expect(n!.refusal).toBeUndefined();
  });

  it('a plain IBRL node: no -a in the preview', async () => {
    const { rt } = runtime();
    const [n] = (await preview(rt, ['plain-node'])).nodes;
    expect(n!.chosenBecause).toBe('connected as IBRL (DZ IP 198.18.0.10): will run `doublezero connect ibrl`');
    expect(n!.commands.at(-1)).toBe('sudo -n doublezero connect ibrl');
    expect(n!.commands.join('\n')).not.toMatch(/(^| )-a( |$)/m);
  });

  it('refuses, with the reason, where the mode cannot be told; other nodes are still planned', async () => {
    const { rt } = runtime();
    const nodes = (await preview(rt, ['multicast-node', 'stopped-node', 'unreachable-node', 'plain-node'])).nodes;
    expect(nodes.map((n) => [n.node, n.commands.length > 0])).toEqual([
      ['multicast-node', false],
      ['stopped-node', false],
      ['unreachable-node', false],
      ['plain-node', true],
    ]);
    expect(nodes[0]!.refusal).toMatch(/^Reconnect the daemon refused: the node is connected only as Multicast/);
    expect(nodes[1]!.refusal).toMatch(/curl exit 7/);
    expect(nodes[2]!.refusal).toMatch(/ssh: unreachable-node unreachable/);
  });

  it('only reads: the one command sent to the node is the status read, no sudo', async () => {
    const { rt, ran } = runtime();
    await preview(rt, ['allocated-node']);
    expect(ran.map((r) => r.argv.join(' '))).toEqual(['curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/status']);
  });

  it('actions that do not depend on the node read nothing from it', async () => {
    const { rt, ran } = runtime();
    const p = await previewRemediation(rt, operator, { action: 'restart-doublezerod', nodes: ['plain-node'] });
    expect(p.nodes[0]!.commands).toEqual(['sudo -n systemctl restart doublezerod']);
    expect(p.nodes[0]!.chosenBecause).toBeUndefined();
    expect(ran).toEqual([]);
  });
});
