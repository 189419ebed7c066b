import { z } from 'zod';
import { dzInterfaceSchema, ipv4CidrSchema, ipv4Schema } from './params';
import type { ActionDefinition } from './types';

// The allowlist of remediations. Adding an action here is the only way to make the tool run something
// new on a node; `npm run sudoers` derives the node-side permission from the same entries.
// Every privileged command goes through `sudo -n` so a missing sudoers rule fails at once instead of
// waiting for a password prompt.

const ipv4Regex = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])([.](25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}';
const cidrRegex = `${ipv4Regex}/(3[0-2]|[12]?[0-9])`;
const dzIfRegex = 'doublezero[0-9]';

export const actionCatalog = [
  {
    id: 'restart-doublezerod',
    title: 'Restart doublezerod',
    description: 'Restarts the daemon; it re-creates its liveness sessions from its current addresses, which clears stale sessions.',
    params: z.strictObject({}),
    commands: [['sudo', '-n', 'systemctl', 'restart', 'doublezerod']],
    fitsVerdicts: ['stale-session'],
    requiredRole: 'operator',
    needsApproval: false,
    timeoutMs: 60_000,
    settleMs: 8_000,
    check: { kind: 'verdicts-cleared', verdicts: ['stale-session'] },
    sudoersPatterns: {},
  },
  {
    id: 'interface-up',
    title: 'Bring interface up',
    description: 'Sets a doublezero interface administratively up.',
    params: z.strictObject({ ifname: dzInterfaceSchema }),
    commands: [['sudo', '-n', 'ip', 'link', 'set', { param: 'ifname' }, 'up']],
    fitsVerdicts: ['interface-down'],
    requiredRole: 'operator',
    needsApproval: false,
    timeoutMs: 15_000,
    settleMs: 6_000,
    check: { kind: 'verdicts-cleared', verdicts: ['interface-down'] },
    sudoersPatterns: { ifname: dzIfRegex },
  },
  {
    id: 'delete-route',
    title: 'Delete a stale route',
    description: 'Deletes one route through a doublezero interface (e.g. a route left behind with a source address the node no longer has).',
    params: z.strictObject({ prefix: ipv4CidrSchema, ifname: dzInterfaceSchema }),
    commands: [['sudo', '-n', 'ip', 'route', 'del', { param: 'prefix' }, 'dev', { param: 'ifname' }]],
    fitsVerdicts: ['stale-session', 'no-route'],
    requiredRole: 'operator',
    needsApproval: true,
    timeoutMs: 15_000,
    settleMs: 6_000,
    check: { kind: 'verdicts-cleared', verdicts: ['stale-session', 'no-route'] },
    sudoersPatterns: { prefix: cidrRegex, ifname: dzIfRegex },
  },
  {
    id: 'add-route',
    title: 'Add a route',
    description:
      'Adds a route to a peer prefix through the overlay gateway on a doublezero interface, with the DZ IP as source (as the daemon installs them, so liveness packets leave from the right address).',
    params: z.strictObject({ prefix: ipv4CidrSchema, via: ipv4Schema, ifname: dzInterfaceSchema, src: ipv4Schema }),
    commands: [['sudo', '-n', 'ip', 'route', 'add', { param: 'prefix' }, 'via', { param: 'via' }, 'dev', { param: 'ifname' }, 'src', { param: 'src' }]],
    fitsVerdicts: ['no-route'],
    requiredRole: 'operator',
    needsApproval: true,
    timeoutMs: 15_000,
    settleMs: 6_000,
    check: { kind: 'verdicts-cleared', verdicts: ['no-route'] },
    sudoersPatterns: { prefix: cidrRegex, via: ipv4Regex, ifname: dzIfRegex, src: ipv4Regex },
  },
  {
    id: 'reconnect-daemon',
    title: 'Reconnect the daemon',
    description:
      "Disconnects and reconnects the unicast (IBRL) service in the mode the node reports now: with -a when it uses an allocated IP, since reconnecting such a node without it strands the allocated IP's liveness sessions (upstream issue 2320). Re-creates doublezero0 and its routes; a multicast service is left connected. Refused when the mode cannot be read from the node.",
    params: z.strictObject({}),
    // `disconnect ibrl`, not a bare `disconnect`: without the mode the CLI deletes every user of the node,
    // multicast included (client/doublezero/src/command/disconnect.rs).
    commands: {
      byUnicastMode: {
        ibrl: [
          ['sudo', '-n', 'doublezero', 'disconnect', 'ibrl'],
          ['sudo', '-n', 'doublezero', 'connect', 'ibrl'],
        ],
        'ibrl-allocated': [
          ['sudo', '-n', 'doublezero', 'disconnect', 'ibrl'],
          ['sudo', '-n', 'doublezero', 'connect', 'ibrl', '-a'],
        ],
      },
    },
    fitsVerdicts: ['interface-missing', 'no-route'],
    requiredRole: 'operator',
    needsApproval: true,
    timeoutMs: 90_000,
    settleMs: 10_000,
    // stale-session too: on clients up to v0.8.0 a reconnect can leave the old IP's sessions behind
    // (issue 2320); that must show as not verified, not as fixed.
    check: { kind: 'verdicts-cleared', verdicts: ['interface-missing', 'no-route', 'stale-session'] },
    sudoersPatterns: {},
  },
  {
    id: 'capture-bundle',
    title: 'Capture a bundle',
    description: 'Read-only: records the raw network state and recent daemon log of the node into the audit trail.',
    params: z.strictObject({}),
    commands: [
      ['ip', '-j', '-d', 'link', 'show'],
      ['ip', '-j', 'addr', 'show'],
      ['ip', '-j', 'route', 'show', 'table', 'all'],
      ['ip', '-j', 'rule', 'show'],
      ['sudo', '-n', 'nft', '-j', 'list', 'ruleset'],
      ['journalctl', '-u', 'doublezerod', '--no-pager', '-o', 'cat', '-n', '200'],
    ],
    fitsVerdicts: ['unknown', 'interface-missing', 'interface-down', 'stale-session', 'no-route', 'firewall-blocked', 'healthy'],
    requiredRole: 'operator',
    needsApproval: false,
    timeoutMs: 20_000,
    settleMs: 0,
    check: { kind: 'commands-succeeded' },
    sudoersPatterns: {},
  },
] as const satisfies readonly ActionDefinition[];

export type ActionId = (typeof actionCatalog)[number]['id'];
export const actionIds = actionCatalog.map((a) => a.id) as [ActionId, ...ActionId[]];
export const actionIdSchema = z.enum(actionIds);

export function findAction(id: string): ActionDefinition | undefined {
  return (actionCatalog as readonly ActionDefinition[]).find((a) => a.id === id);
}

/** The actions worth offering next to a verdict, in catalog order. */
export function actionsForVerdict(verdict: string): ActionDefinition[] {
  return (actionCatalog as readonly ActionDefinition[]).filter((a) => (a.fitsVerdicts as readonly string[]).includes(verdict));
}
