import { describe, expect, it } from 'vitest';
import { actionCatalog, actionsForVerdict, findAction } from './catalog';
import { allCommandTemplates } from './render';
import type { ActionDefinition } from './types';

describe('action catalog', () => {
  const all = actionCatalog as readonly ActionDefinition[];

  it('has the six remediations of the issue', () => {
    expect(all.map((a) => a.id)).toEqual(['restart-doublezerod', 'interface-up', 'delete-route', 'add-route', 'reconnect-daemon', 'capture-bundle']);
  });

  it('every privileged command uses sudo -n and every parameter placeholder exists in the schema', () => {
    for (const a of all) {
      for (const cmd of allCommandTemplates(a)) {
        if (cmd[0] === 'sudo') expect(cmd[1]).toBe('-n');
        for (const w of cmd) if (typeof w !== 'string') expect(Object.keys(a.params.shape)).toContain(w.param);
      }
      for (const p of Object.keys(a.params.shape)) expect(a.sudoersPatterns).toHaveProperty(p);
    }
  });

  it('offers restart for stale sessions and interface-up for a down interface', () => {
    expect(actionsForVerdict('stale-session').map((a) => a.id)).toContain('restart-doublezerod');
    expect(actionsForVerdict('interface-down').map((a) => a.id)).toContain('interface-up');
    expect(actionsForVerdict('healthy').map((a) => a.id)).toEqual(['capture-bundle']);
  });

  it('changing routes or reconnecting needs a second person', () => {
    expect(findAction('add-route')?.needsApproval).toBe(true);
    expect(findAction('delete-route')?.needsApproval).toBe(true);
    expect(findAction('reconnect-daemon')?.needsApproval).toBe(true);
    expect(findAction('restart-doublezerod')?.needsApproval).toBe(false);
  });

  it('unknown action ids are not found', () => {
    expect(findAction('rm-rf')).toBeUndefined();
    expect(findAction('__proto__')).toBeUndefined();
  });
});
