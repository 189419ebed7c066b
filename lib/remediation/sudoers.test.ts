import { describe, expect, it } from 'vitest';
import { actionCatalog } from './catalog';
import { renderSudoers } from './sudoers';
import type { ActionDefinition } from './types';

const probe = [
  ['sudo', '-n', 'nft', '-j', 'list', 'ruleset'],
  ['ip', '-j', 'addr', 'show'],
];
const text = renderSudoers({ user: 'fnh', actions: actionCatalog as readonly ActionDefinition[], probeCommands: probe });
const cmnds = text
  .split('\n')
  .filter((l) => l.startsWith('Cmnd_Alias'))
  .map((l) => l.replace(/^Cmnd_Alias \S+ = /, ''));

function regexOf(cmnd: string): RegExp {
  const args = cmnd.slice(cmnd.indexOf(' ') + 1);
  return new RegExp(args);
}

describe('sudoers rendering', () => {
  it('allows exactly the privileged commands, with absolute paths and fixed arguments', () => {
    expect(cmnds).toContain('/usr/bin/systemctl restart doublezerod');
    expect(cmnds).toContain('/usr/sbin/nft -j list ruleset');
    // reconnect-daemon: both modes it may replay, and only the IBRL user is disconnected
    expect(cmnds).toContain('/usr/bin/doublezero disconnect ibrl');
    expect(cmnds).toContain('/usr/bin/doublezero connect ibrl');
    expect(cmnds).toContain('/usr/bin/doublezero connect ibrl -a');
    expect(cmnds.filter((c) => c.startsWith('/usr/bin/doublezero '))).toEqual([
      '/usr/bin/doublezero disconnect ibrl',
      '/usr/bin/doublezero connect ibrl',
      '/usr/bin/doublezero connect ibrl -a',
    ]);
    // read-only commands need no sudo and get no rule (the daemon's socket is 0666)
    expect(text).not.toContain('journalctl');
    expect(text).not.toContain('curl');
    expect(cmnds.every((c) => c.startsWith('/'))).toBe(true);
  });

  it('grants the rules to the user with NOPASSWD only', () => {
    expect(text).toMatch(/^fnh ALL=\(root\) NOPASSWD: FNH_PROBE_1, FNH_RESTART_DOUBLEZEROD_1, /m);
    expect(text).not.toMatch(/ALL\s*$/m);
  });

  it('parameterised commands are anchored regexes that admit valid values and nothing else', () => {
    const up = cmnds.find((c) => c.startsWith('/usr/sbin/ip ^link set'))!;
    expect(up).toBeDefined();
    expect(regexOf(up).test('link set doublezero0 up')).toBe(true);
    expect(regexOf(up).test('link set eth0 up')).toBe(false);
    expect(regexOf(up).test('link set doublezero0 up dev eth0 down')).toBe(false);

    const add = cmnds.find((c) => c.startsWith('/usr/sbin/ip ^route add'))!;
    expect(regexOf(add).test('route add 216.238.110.55/32 via 169.254.0.1 dev doublezero0 src 209.245.225.161')).toBe(true);
    expect(regexOf(add).test('route add 216.238.110.55/32 via 169.254.0.1 dev eth0 src 209.245.225.161')).toBe(false);
    expect(regexOf(add).test('route add 216.238.110.55/32 via 169.254.0.1 dev doublezero0 src 209.245.225.161 table 7')).toBe(false);
    expect(regexOf(add).test('route add default via 10.0.0.1 dev doublezero0')).toBe(false);
    expect(regexOf(add).test('route add 1.2.3.4/32 dev eth0 via 169.254.0.1 dev doublezero0')).toBe(false);
    expect(regexOf(add).test('route add 1x2.3.4/32 via 169.254.0.1 dev doublezero0')).toBe(false);
  });

  it('adds noexec only when asked', () => {
    expect(text).toMatch(/^Defaults:fnh !requiretty$/m);
    expect(renderSudoers({ user: 'fnh', actions: [], probeCommands: probe, noexec: true })).toMatch(/^Defaults:fnh !requiretty, noexec$/m);
  });

  it('refuses a user name that would break the file', () => {
    expect(() => renderSudoers({ user: 'fnh ALL=(ALL) ALL', actions: [], probeCommands: [] })).toThrow();
  });

  it('refuses a privileged command that forgot -n', () => {
    const bad = { ...(actionCatalog[0] as ActionDefinition), commands: [['sudo', 'systemctl', 'restart', 'doublezerod']] };
    expect(() => renderSudoers({ user: 'fnh', actions: [bad], probeCommands: [] })).toThrow(/-n/);
  });
});
