import { describe, expect, it } from 'vitest';
import { findAction } from '../../lib/remediation/catalog';
import { renderAction } from '../../lib/remediation/render';
import { checkStoredCommands } from './stored-commands';

const addRoute = { prefix: '216.238.110.55/32', via: '169.254.0.0', ifname: 'doublezero0', src: '209.245.225.161' };

function rendered(id: string, params: Record<string, string>, unicastMode?: 'ibrl' | 'ibrl-allocated') {
  const r = renderAction(findAction(id)!, params, unicastMode ? { unicastMode } : undefined);
  if (!r.ok) throw new Error(r.problems.join('; '));
  // as read back from jsonb: plain data, no undefined members
  return JSON.parse(JSON.stringify(r.commands)) as typeof r.commands;
}

describe('checkStoredCommands: an agent runs only what the catalog renders', () => {
  it('accepts the rendering of the stored action and parameters', () => {
    expect(checkStoredCommands('add-route', addRoute, rendered('add-route', addRoute))).toEqual({ ok: true });
    expect(checkStoredCommands('restart-doublezerod', {}, rendered('restart-doublezerod', {}))).toEqual({ ok: true });
  });

  it('accepts a mode-dependent action rendered for either mode, with its status read first', () => {
    expect(checkStoredCommands('reconnect-daemon', {}, rendered('reconnect-daemon', {}, 'ibrl'))).toEqual({ ok: true });
    expect(checkStoredCommands('reconnect-daemon', {}, rendered('reconnect-daemon', {}, 'ibrl-allocated'))).toEqual({ ok: true });
  });

  it('refuses another command, a changed word, a dropped status read, or other parameters', () => {
    expect(checkStoredCommands('restart-doublezerod', {}, [{ argv: ['sudo', '-n', 'reboot'], line: 'sudo -n reboot' }])).toMatchObject({ ok: false });
    const route = rendered('add-route', addRoute);
    expect(checkStoredCommands('add-route', { ...addRoute, prefix: '10.0.0.0/8' }, route)).toMatchObject({ ok: false });
    expect(checkStoredCommands('add-route', addRoute, [{ ...route[0]!, line: 'sudo -n ip route flush all' }])).toMatchObject({ ok: false });
    const reconnect = rendered('reconnect-daemon', {}, 'ibrl-allocated');
    expect(checkStoredCommands('reconnect-daemon', {}, reconnect.slice(1))).toMatchObject({ ok: false });
    // the read that guards the run must keep the mode it expects
    expect(checkStoredCommands('reconnect-daemon', {}, [{ ...reconnect[0]!, expectUnicastMode: 'ibrl' }, ...reconnect.slice(1)])).toMatchObject({ ok: false });
  });

  it('refuses an action the catalog does not have, and parameters that do not validate', () => {
    expect(checkStoredCommands('rm-rf', {}, [])).toEqual({ ok: false, why: 'action "rm-rf" is not in this agent\'s catalog' });
    expect(checkStoredCommands('interface-up', { ifname: 'doublezero0; reboot' }, [])).toMatchObject({
      ok: false,
      why: expect.stringMatching(/^the stored parameters do not render/),
    });
  });
});
