import { describe, expect, it } from 'vitest';
import { InventoryError } from './errors';
import { parseInventoryYaml } from './parse-inventory';

const opts = { file: 'inventory.yaml', baseDir: '/etc/fnh' };

function errorOf(text: string): InventoryError {
  try {
    parseInventoryYaml(text, opts);
  } catch (err) {
    if (err instanceof InventoryError) return err;
    throw err;
  }
  throw new Error('expected an InventoryError');
}

describe('parseInventoryYaml', () => {
  it('applies defaults, resolves paths against the inventory folder and links jump hosts', () => {
    const inv = parseInventoryYaml(
      [
        'defaults: { user: fnh, keyPath: ./id_ed25519, knownHostsPath: ./known_hosts }',
        'nodes:',
        '  - { name: dfw-mn-bm1, host: 127.0.0.1, port: 22001, site: dfw, tags: [mainnet, bm], proxyJump: bastion, trustOnFirstUse: false }',
        '  - { name: bastion, host: 10.0.0.1, user: jump, keyPath: /keys/bastion, trustOnFirstUse: true }',
        '  - { name: ams-1, host: ams.example.net, proxyJump: "ops@gw.example.net:2222", useAgent: true }',
      ].join('\n'),
      opts,
    );
    expect(inv.nodes).toEqual([
      {
        name: 'dfw-mn-bm1',
        host: '127.0.0.1',
        port: 22001,
        user: 'fnh',
        site: 'dfw',
        tags: ['mainnet', 'bm'],
        keyPath: '/etc/fnh/id_ed25519',
        knownHostsPath: '/etc/fnh/known_hosts',
        useAgent: false,
        trustOnFirstUse: false,
        proxyJump: { kind: 'node', name: 'bastion' },
      },
      {
        name: 'bastion',
        host: '10.0.0.1',
        port: 22,
        user: 'jump',
        tags: [],
        keyPath: '/keys/bastion',
        knownHostsPath: '/etc/fnh/known_hosts',
        useAgent: false,
        trustOnFirstUse: true,
      },
      {
        name: 'ams-1',
        host: 'ams.example.net',
        port: 22,
        user: 'fnh',
        tags: [],
        keyPath: '/etc/fnh/id_ed25519',
        knownHostsPath: '/etc/fnh/known_hosts',
        useAgent: true,
        trustOnFirstUse: false,
        proxyJump: { kind: 'address', user: 'ops', host: 'gw.example.net', port: 2222 },
      },
    ]);
  });

  it('names file, line and field of a bad port', () => {
    const err = errorOf(['defaults: { user: fnh }', 'nodes:', '  - name: a', '    host: h1', '  - name: b', '    host: h2', '    port: 70000'].join('\n'));
    expect(err.message).toBe('inventory.yaml:7: nodes[1].port: expected a number 1-65535');
  });

  it('reports a port given as text, a missing host and an unknown field, each on its own line', () => {
    const err = errorOf(['defaults: { user: fnh }', 'nodes:', '  - name: a', '    port: "22"', '  - name: b', '    host: h', '    colour: red'].join('\n'));
    expect(err.message.split('\n')).toEqual([
      'inventory.yaml:3: nodes[0].host: required',
      'inventory.yaml:4: nodes[0].port: expected a number 1-65535',
      'inventory.yaml:7: nodes[1].colour: unknown field',
    ]);
  });

  it('rejects unsafe and duplicate node names at their lines', () => {
    const err = errorOf(
      ['defaults: { user: fnh }', 'nodes:', '  - { name: "a;rm -rf", host: h }', '  - { name: b, host: h }', '  - { name: b, host: h2 }'].join('\n'),
    );
    expect(err.issues.map((i) => [i.line, i.field])).toEqual([[3, 'nodes[0].name']]);
    const dup = errorOf(['defaults: { user: fnh }', 'nodes:', '  - { name: b, host: h }', '  - { name: b, host: h2 }'].join('\n'));
    expect(dup.message).toBe('inventory.yaml:4: nodes[1].name: duplicate node name "b" (first at nodes[0])');
  });

  it('requires a user and refuses jump-host loops', () => {
    const err = errorOf(['nodes:', '  - { name: a, host: h, proxyJump: b, user: u }', '  - { name: b, host: h, proxyJump: a }'].join('\n'));
    expect(err.message.split('\n')).toEqual([
      'inventory.yaml:2: nodes[0].proxyJump: jump hosts loop: a -> b -> a',
      'inventory.yaml:3: nodes[1].user: required (set it on the node or in defaults.user)',
      'inventory.yaml:3: nodes[1].proxyJump: jump hosts loop: b -> a -> b',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const err = errorOf(['nodes:', '  - name: a', '    host: [unclosed'].join('\n'));
    expect(err.issues[0]!.line).toBeGreaterThanOrEqual(3);
    expect(err.message).toMatch(/^inventory\.yaml:\d+: YAML syntax/);
  });

  it('says so when the file is empty or has no node list', () => {
    expect(errorOf('').message).toBe('inventory.yaml: the inventory is empty (expected a `nodes:` list)');
    expect(errorOf('defaults: { user: x }\n').message).toBe('inventory.yaml:1: nodes: required');
  });

  it('expands ~/ in paths only when the caller gives a home folder', () => {
    const text = 'nodes:\n  - { name: a, host: h, user: u, keyPath: ~/.ssh/id_ed25519, knownHostsPath: "~/fnh/known_hosts" }\n';
    expect(parseInventoryYaml(text, { ...opts, homeDir: '/home/op' }).nodes[0]).toMatchObject({
      keyPath: '/home/op/.ssh/id_ed25519',
      knownHostsPath: '/home/op/fnh/known_hosts',
    });
    expect(parseInventoryYaml(text, opts).nodes[0]).toMatchObject({ keyPath: '/etc/fnh/~/.ssh/id_ed25519' });
  });
});
