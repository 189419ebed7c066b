import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actionCatalog } from '../lib/remediation/catalog';
import { unicastModes } from '../lib/remediation/connection-mode';
import { dependsOnUnicastMode, renderAction } from '../lib/remediation/render';
import { renderSudoers } from '../lib/remediation/sudoers';
import type { ActionDefinition } from '../lib/remediation/types';
import { sectionCommands } from '../lib/probe/commands';

// The generated sudoers file against the real sudo: visudo accepts it, and sudo's own matcher (sudo -l -U)
// allows exactly the catalog's rendered commands. The file is bind-mounted over /etc/sudoers.d inside a
// private mount namespace, so the machine's own sudoers never changes.

const actions = actionCatalog as readonly ActionDefinition[];
const dir = mkdtempSync(path.join(tmpdir(), 'fnh-sudoers-'));
// This machine has no doublezero CLI and sudo only matches commands that exist: a stand-in binary.
const standIn = path.join(dir, 'bin', 'doublezero');
mkdirSync(path.dirname(standIn));
writeFileSync(standIn, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
const text = renderSudoers({
  user: 'nobody',
  actions,
  probeCommands: Object.values(sectionCommands({ journalSince: 0 })),
  binaryPaths: { doublezero: standIn },
});
mkdirSync(path.join(dir, 'sudoers.d'));
writeFileSync(path.join(dir, 'sudoers.d', 'fnh'), text);
chmodSync(path.join(dir, 'sudoers.d', 'fnh'), 0o440);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const canNamespace = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0 && spawnSync('sudo', ['-V']).status === 0;

/** Which of these command lines sudo would let `nobody` run (as sudo -n <line> would be resolved). */
function sudoAllows(lines: string[]): boolean[] {
  const script = [
    `mount --bind ${dir}/sudoers.d /etc/sudoers.d`,
    ...lines.map((l) => `if sudo -l -U nobody ${l} >/dev/null 2>&1; then echo yes; else echo no; fi`),
  ].join('\n');
  const out = execFileSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l === 'yes');
}

describe('generated sudoers file', () => {
  it('passes visudo -cf', () => {
    const r = spawnSync('visudo', ['-cf', path.join(dir, 'sudoers.d', 'fnh')], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toMatch(/parsed OK/);
    expect(r.status).toBe(0);
  });

  it.skipIf(!canNamespace)('sudo allows every command the catalog renders (no sudo prefix, as the tool runs them)', () => {
    const samples: Record<string, Record<string, string>> = {
      'interface-up': { ifname: 'doublezero0' },
      'delete-route': { prefix: '216.238.110.55/32', ifname: 'doublezero0' },
      'add-route': { prefix: '216.238.110.55/32', via: '169.254.0.0', ifname: 'doublezero1', src: '209.245.225.161' },
    };
    const lines: string[] = [];
    for (const a of actions) {
      // an action that depends on the node's connection mode: every mode it may be rendered for
      for (const node of dependsOnUnicastMode(a.commands) ? unicastModes.map((unicastMode) => ({ unicastMode })) : [undefined]) {
        const r = renderAction(a, samples[a.id] ?? {}, node);
        if (!r.ok) throw new Error(r.problems.join('; '));
        for (const c of r.commands)
          if (c.argv[0] === 'sudo')
            lines.push(
              c.argv
                .slice(2)
                .join(' ')
                .replace(/^doublezero /, `${standIn} `),
            );
      }
    }
    lines.push('nft -j list ruleset');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(sudoAllows(lines)).toEqual(lines.map(() => true));
  });

  it.skipIf(!canNamespace)('sudo refuses everything else', () => {
    const refused = [
      'ip link set eth0 up',
      'ip link set doublezero0 down',
      'ip link set doublezero0 up dev eth0',
      'ip route add 1.2.3.4/32 via 169.254.0.1 dev doublezero0 table 5',
      'ip route add default via 169.254.0.1 dev doublezero0',
      'ip route del 0.0.0.0/0 dev eth0',
      'ip route del 1.2.3.4/32 dev doublezero0 dev eth0',
      'systemctl restart sshd',
      'systemctl restart doublezerod sshd',
      'systemctl stop doublezerod',
      // a bare disconnect also deletes a multicast user; only `disconnect ibrl` is allowed
      `${standIn} disconnect`,
      `${standIn} disconnect multicast`,
      `${standIn} connect ibrl -a --device x`,
      `${standIn} connect multicast publisher x`,
      `${standIn} status`,
      'nft flush ruleset',
      'sh -c id',
    ];
    expect(sudoAllows(refused)).toEqual(refused.map(() => false));
  });
});
