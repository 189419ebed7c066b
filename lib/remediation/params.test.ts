import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findAction } from './catalog';
import { dzInterfaceSchema, ipv4CidrSchema, ipv4Schema, linuxIfnameSchema } from './params';
import { renderAction } from './render';

const injections = [
  '; rm -rf /',
  'doublezero0; rm -rf /',
  'doublezero0 && reboot',
  '$(reboot)',
  'doublezero0$(id)',
  '`id`',
  'doublezero0`id`',
  'doublezero0\nreboot',
  'doublezero0\r\n',
  'doublezero0 ',
  ' doublezero0',
  'doublezero0|sh',
  "doublezero0'",
  'doublezero0"',
  'doublezero0>x',
  '../../etc/passwd',
  '-f',
  '--help',
  'doublezero0\u0000',
  // unicode lookalikes: Cyrillic o, fullwidth zero, Arabic-Indic digit, zero-width space
  'd\u043eublezero0',
  'doublezero\uff10',
  'doublezero\u0660',
  'doublezero0\u200b',
  'a'.repeat(10_000),
  '',
];

describe('parameter validation refuses injection attempts', () => {
  it.each(injections)('interface name %j', (bad) => {
    expect(dzInterfaceSchema.safeParse(bad).success).toBe(false);
    expect(linuxIfnameSchema.safeParse(bad).success).toBe(false);
  });

  it.each(
    injections
      .filter(Boolean)
      .map((s) => `10.0.0.1/32${s}`)
      .concat(injections, ['1.2.3.4/32 dev eth0', '1.2.3.4/33', '01.2.3.4/32', '1.2.3.256/32', '1.2.3.4', '１.2.3.4/32']),
  )('CIDR %j', (bad) => {
    expect(ipv4CidrSchema.safeParse(bad).success).toBe(false);
  });

  it.each(
    injections
      .filter(Boolean)
      .map((s) => `10.0.0.1${s}`)
      .concat(['10.0.0', '10.0.0.1.5', '256.1.1.1', '010.0.0.1', '10.0.0.1/32', '0x0a.0.0.1', '10.0.0.١']),
  )('IPv4 %j', (bad) => {
    expect(ipv4Schema.safeParse(bad).success).toBe(false);
  });

  it('accepts the values operators really type', () => {
    expect(dzInterfaceSchema.parse('doublezero0')).toBe('doublezero0');
    expect(linuxIfnameSchema.parse('enp1s0f0.100')).toBe('enp1s0f0.100');
    expect(ipv4CidrSchema.parse('216.238.110.55/32')).toBe('216.238.110.55/32');
    expect(ipv4CidrSchema.parse('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(ipv4Schema.parse('169.254.0.1')).toBe('169.254.0.1');
  });

  it('no string outside the grammar ever renders into a command (property)', () => {
    const action = findAction('add-route')!;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), (prefix, via) => {
        const r = renderAction(action, { prefix, via, ifname: 'doublezero0', src: '209.245.225.161' });
        if (!r.ok) return true;
        // if it rendered, every word is a plain word and the values are exactly validated ones
        return (
          r.commands.every((c) => c.argv.every((w) => /^[A-Za-z0-9_@%+=:,./-]+$/.test(w))) &&
          ipv4CidrSchema.safeParse(prefix).success &&
          ipv4Schema.safeParse(via).success
        );
      }),
      { numRuns: 2000 },
    );
    // 2,000 generated cases take seconds on a loaded 2-core CI machine; the bound is the same
  }, 60_000);
});

describe('rendering commands', () => {
  it('renders argv vectors and the exact command line', () => {
    const r = renderAction(findAction('interface-up')!, { ifname: 'doublezero0' });
    expect(r).toEqual({
      ok: true,
      params: { ifname: 'doublezero0' },
      commands: [{ argv: ['sudo', '-n', 'ip', 'link', 'set', 'doublezero0', 'up'], line: 'sudo -n ip link set doublezero0 up' }],
    });
  });

  it('restart doublezerod is exactly the documented command', () => {
    const r = renderAction(findAction('restart-doublezerod')!, {});
    expect(r.ok && r.commands.map((c) => c.line)).toEqual(['sudo -n systemctl restart doublezerod']);
  });

  it('refuses unknown extra parameters (no smuggling through extra keys)', () => {
    const r = renderAction(findAction('restart-doublezerod')!, { unit: 'sshd' });
    expect(r.ok).toBe(false);
  });

  it('refuses missing parameters and names them', () => {
    const r = renderAction(findAction('delete-route')!, { ifname: 'doublezero0' });
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.problems.join(' ')).toContain('prefix');
  });

  it('refuses parameters of the wrong type', () => {
    expect(renderAction(findAction('interface-up')!, { ifname: ['doublezero0', 'up;id'] }).ok).toBe(false);
    expect(renderAction(findAction('interface-up')!, { ifname: 0 }).ok).toBe(false);
  });
});
