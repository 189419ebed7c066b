import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actionCatalog, actionsForVerdict, findAction } from './catalog';
import { dzInterfaceSchema, ipv4CidrSchema, ipv4Schema, linuxIfnameSchema } from './params';
import { allCommandTemplates, dependsOnUnicastMode, renderAction, validateParams } from './render';
import type { ActionDefinition } from './types';

// What a validated parameter becomes on the node: one argv word, exactly the value, and a command line
// that the node's shell splits back into the same words.

const catalog = actionCatalog as readonly ActionDefinition[];
const action = (id: string): ActionDefinition => findAction(id)!;
const custom = (over: Partial<ActionDefinition>): ActionDefinition => ({ ...action('restart-doublezerod'), id: 'custom', ...over });

const octet = fc.nat(255).map(String);
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const cidr = fc.tuple(ipv4, fc.nat(32)).map(([ip, len]) => `${ip}/${len}`);
const dzIf = fc.nat(9).map((n) => `doublezero${n}`);
const valuesFor: Record<string, fc.Arbitrary<string>> = { prefix: cidr, via: ipv4, src: ipv4, ifname: dzIf };

describe('a parameter that passes validation always renders one argv word', () => {
  for (const a of catalog.filter((x) => Object.keys(x.params.shape).length > 0)) {
    it(`${a.id}: every parameter is exactly one word, the value itself`, () => {
      const names = Object.keys(a.params.shape);
      fc.assert(
        fc.property(fc.record(Object.fromEntries(names.map((n) => [n, valuesFor[n]!]))), (params) => {
          const r = renderAction(a, params);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const templates = allCommandTemplates(a);
          expect(r.commands).toHaveLength(templates.length);
          r.commands.forEach((c, i) => {
            const template = templates[i]!;
            expect(c.argv).toHaveLength(template.length);
            template.forEach((t, j) => expect(c.argv[j]).toBe(typeof t === 'string' ? t : params[t.param]));
            // no word needs quoting, so the line is the words joined by single spaces
            expect(c.line).toBe(c.argv.join(' '));
          });
        }),
        { numRuns: 200 },
      );
    });
  }

  it('whatever text is offered, a rendered word is a plain word and the value passed its schema', () => {
    const word = fc.oneof(fc.string({ maxLength: 20 }), cidr, ipv4, dzIf, fc.constantFrom('doublezero0 ', 'doublezero0;id', '1.2.3.4/32 dev eth0', '$(id)'));
    fc.assert(
      fc.property(word, word, (prefix, ifname) => {
        const r = renderAction(action('delete-route'), { prefix, ifname });
        expect(r.ok).toBe(ipv4CidrSchema.safeParse(prefix).success && dzInterfaceSchema.safeParse(ifname).success);
        if (r.ok) expect(r.commands[0]!.argv).toEqual(['sudo', '-n', 'ip', 'route', 'del', prefix, 'dev', ifname]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parameter grammar', () => {
  it.each([
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['249.250.199.100', true],
    ['10.0.0.1', true],
    ['256.0.0.1', false],
    ['1.2.3', false],
    ['1.2.3.4.', false],
    ['01.2.3.4', false],
    [' 1.2.3.4', false],
  ])('IPv4 %j: %s', (text, ok) => {
    expect(ipv4Schema.safeParse(text).success).toBe(ok);
  });

  it.each([
    ['10.0.0.0/8', true],
    ['10.0.0.0/0', true],
    ['10.0.0.0/32', true],
    ['10.0.0.0/19', true],
    ['10.0.0.0/33', false],
    ['10.0.0.0/', false],
    ['10.0.0.0', false],
    ['/8', false],
    ['10.0.0.0/8/8', false],
    ['10.0.0.256/8', false],
    ['10.0.0.0/08x', false],
    ['10.0.0.0/-1', false],
    ['100.100.100.100/32', true],
    ['100.100.100.100/320', false],
  ])('CIDR %j: %s', (text, ok) => {
    expect(ipv4CidrSchema.safeParse(text).success).toBe(ok);
  });

  it.each([
    ['doublezero0', true, true],
    ['doublezero9', true, true],
    ['doublezero10', false, true],
    ['eth0', false, true],
    ['a', false, true],
    ['_x', false, true],
    ['.', false, false],
    ['..', false, false],
    ['.hidden', false, false],
    ['a'.repeat(15), false, true],
    ['a'.repeat(16), false, false],
    ['eth0/1', false, false],
  ])('interface %j: doublezero %s, Linux %s', (text, dz, linux) => {
    expect(dzInterfaceSchema.safeParse(text).success).toBe(dz);
    expect(linuxIfnameSchema.safeParse(text).success).toBe(linux);
  });
});

describe('renderAction', () => {
  it('renders fixed commands as they are', () => {
    expect(renderAction(action('restart-doublezerod'), undefined)).toEqual({
      ok: true,
      params: {},
      commands: [{ argv: ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], line: 'sudo -n systemctl restart doublezerod' }],
    });
  });

  it('renders numbers and booleans as their text', () => {
    const a = custom({ params: z.strictObject({ n: z.number().int(), b: z.boolean() }), commands: [['echo', { param: 'n' }, { param: 'b' }]] });
    expect(renderAction(a, { n: 42, b: false })).toMatchObject({ ok: true, commands: [{ argv: ['echo', '42', 'false'], line: 'echo 42 false' }] });
  });

  it('refuses, as a second fence, a value its schema let through that would need quoting', () => {
    const loose = custom({
      params: z.strictObject({ v: z.string() }),
      commands: [
        ['echo', 'ok'],
        ['echo', { param: 'v' }],
      ],
    });
    expect(renderAction(loose, { v: 'a b' })).toEqual({ ok: false, problems: ['refusing to render a word that would need quoting: "a b"'] });
    expect(renderAction(loose, { v: '' })).toEqual({ ok: false, problems: ['refusing to render a word that would need quoting: ""'] });
    expect(renderAction(loose, { v: 'a@b%c+d=e:f,g.h/i-j_K9' })).toMatchObject({ ok: true });
    const literal = custom({ commands: [['echo', 'two words']] });
    expect(renderAction(literal, {})).toEqual({ ok: false, problems: ['refusing to render a word that would need quoting: "two words"'] });
  });

  it('refuses a template that names a parameter the schema does not have', () => {
    const a = custom({ params: z.strictObject({ v: z.string().optional() }), commands: [['echo', { param: 'v' }]] });
    expect(renderAction(a, {})).toEqual({ ok: false, problems: ['refusing to render a word that would need quoting: undefined'] });
  });

  it('says which parameter is wrong, or that the parameters are not an object', () => {
    const r = validateParams(action('interface-up'), { ifname: 'eth0' });
    expect(r).toEqual({ ok: false, problems: ['ifname: a doublezero interface, e.g. doublezero0'] });
    const notObject = validateParams(action('interface-up'), 'doublezero0');
    expect(notObject.ok).toBe(false);
    expect(!notObject.ok && notObject.problems[0]).toMatch(/^params: /);
    expect(validateParams(action('restart-doublezerod'), null)).toEqual({ ok: true, params: {} });
  });

  it('chooses the commands of a mode-dependent action by the mode read from the node, after re-reading it', () => {
    const reconnect = action('reconnect-daemon');
    expect(dependsOnUnicastMode(reconnect.commands)).toBe(true);
    expect(dependsOnUnicastMode(action('interface-up').commands)).toBe(false);
    expect(renderAction(reconnect, {})).toEqual({
      ok: false,
      problems: ["reconnect-daemon chooses its commands by the node's connection mode, which was not read"],
    });
    const allocated = renderAction(reconnect, {}, { unicastMode: 'ibrl-allocated' });
    expect(allocated.ok && allocated.commands.map((c) => [c.line, c.expectUnicastMode ?? null])).toEqual([
      ['curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/status', 'ibrl-allocated'],
      ['sudo -n doublezero disconnect ibrl', null],
      ['sudo -n doublezero connect ibrl -a', null],
    ]);
    const plain = renderAction(reconnect, {}, { unicastMode: 'ibrl' });
    expect(plain.ok && plain.commands.map((c) => c.line)).toEqual([
      'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/status',
      'sudo -n doublezero disconnect ibrl',
      'sudo -n doublezero connect ibrl',
    ]);
  });

  it('lists every command a mode-dependent action may run once (for sudoers and the catalog)', () => {
    expect(allCommandTemplates(action('reconnect-daemon'))).toEqual([
      ['sudo', '-n', 'doublezero', 'disconnect', 'ibrl'],
      ['sudo', '-n', 'doublezero', 'connect', 'ibrl'],
      ['sudo', '-n', 'doublezero', 'connect', 'ibrl', '-a'],
    ]);
    expect(allCommandTemplates(action('capture-bundle'))).toBe(action('capture-bundle').commands);
  });
});

describe('catalog lookups', () => {
  it.each([
    ['stale-session', ['restart-doublezerod', 'delete-route', 'capture-bundle']],
    ['no-route', ['delete-route', 'add-route', 'reconnect-daemon', 'capture-bundle']],
    ['interface-down', ['interface-up', 'capture-bundle']],
    ['interface-missing', ['reconnect-daemon', 'capture-bundle']],
    ['healthy', ['capture-bundle']],
    ['recovering', []],
    ['nonsense', []],
  ])('offers for %s: %j', (verdict, ids) => {
    expect(actionsForVerdict(verdict).map((a) => a.id)).toEqual(ids);
  });

  it('finds an action by its id only', () => {
    expect(findAction('interface-up')?.title).toBe('Bring interface up');
    expect(findAction('interface')).toBeUndefined();
  });
});
