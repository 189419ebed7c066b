import { describe, expect, it } from 'vitest';
import { importAnsibleIni } from './import-ansible-ini';
import { importAnsibleYaml } from './import-ansible-yaml';
import { importSshConfig } from './import-ssh-config';
import { validateInventoryInput } from './parse-inventory';

const opts = { file: 'imported', baseDir: '/srv/fnh' };

describe('importAnsibleIni', () => {
  it('maps ansible_* vars to connection fields and groups (with children) to tags', () => {
    const { inventory, warnings } = importAnsibleIni(
      [
        '# fleet',
        'standalone ansible_host=192.0.2.9',
        '[dfw]',
        'dfw-mn-bm1 ansible_host=203.0.113.5 ansible_port=2201',
        'dfw-mn-bm[2:3] ansible_user="dz ops"',
        '[ams]',
        'ams-1 ansible_host=198.51.100.7 ansible_ssh_private_key_file=~/.ssh/ams',
        '[mainnet:children]',
        'dfw',
        'ams',
        '[mainnet:vars]',
        'ansible_user=fnh',
        'ansible_ssh_private_key_file=keys/id_ed25519',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(inventory.nodes).toEqual([
      { name: 'standalone', host: '192.0.2.9' },
      { name: 'dfw-mn-bm1', host: '203.0.113.5', port: 2201, user: 'fnh', keyPath: 'keys/id_ed25519', tags: ['mainnet', 'dfw'] },
      { name: 'dfw-mn-bm2', host: 'dfw-mn-bm2', user: 'dz ops', keyPath: 'keys/id_ed25519', tags: ['mainnet', 'dfw'] },
      { name: 'dfw-mn-bm3', host: 'dfw-mn-bm3', user: 'dz ops', keyPath: 'keys/id_ed25519', tags: ['mainnet', 'dfw'] },
      { name: 'ams-1', host: '198.51.100.7', user: 'fnh', keyPath: '~/.ssh/ams', tags: ['mainnet', 'ams'] },
    ]);
  });

  it('produces input the inventory validator judges like a hand-written file', () => {
    const { inventory } = importAnsibleIni('[x]\nbad-port ansible_host=h ansible_port=99999 ansible_user=u\n');
    expect(() => validateInventoryInput(inventory, opts)).toThrow('imported: nodes[0].port: expected a number 1-65535');
  });
});

describe('importAnsibleYaml', () => {
  it('walks all/children/hosts and applies group vars below host vars', () => {
    const { inventory } = importAnsibleYaml(
      [
        'all:',
        '  vars: { ansible_user: fnh }',
        '  children:',
        '    dfw:',
        '      vars: { ansible_port: 2222 }',
        '      hosts:',
        '        dfw-1: { ansible_host: 203.0.113.5 }',
        '        dfw-2: { ansible_host: 203.0.113.6, ansible_port: 22, ansible_user: root }',
        '    bm:',
        '      hosts:',
        '        dfw-1:',
      ].join('\n'),
    );
    const inv = validateInventoryInput(inventory, opts);
    expect(inv.nodes.map((n) => [n.name, n.host, n.port, n.user, n.tags])).toEqual([
      ['dfw-1', '203.0.113.5', 2222, 'fnh', ['dfw', 'bm']],
      ['dfw-2', '203.0.113.6', 22, 'root', ['dfw']],
    ]);
  });

  it('rejects a file that is not an Ansible inventory', () => {
    expect(() => importAnsibleYaml('all:\n  hosts: [a, b]\n')).toThrow(/not an Ansible YAML inventory/);
  });
});

describe('importSshConfig', () => {
  it('turns concrete Host entries into nodes, first value wins, wildcards only supply defaults', () => {
    const { inventory, warnings } = importSshConfig(
      [
        'Host dfw-mn-bm1 dfw-alias',
        '  HostName 203.0.113.5',
        '  Port 2201',
        '  ProxyJump bastion',
        'Host bastion',
        '  HostName=gw.example.net',
        '  User jump',
        'Host *.internal',
        '  User nobody',
        'Host !excluded *',
        '  User fnh',
        '  IdentityFile ~/.ssh/id_fnh',
        '  User ignored-second-value',
        'Match host foo',
        '  User never',
      ].join('\n'),
      { homeDir: '/home/op' },
    );
    expect(warnings).toEqual([]);
    expect(inventory.nodes).toEqual([
      { name: 'dfw-mn-bm1', host: '203.0.113.5', port: 2201, user: 'fnh', keyPath: '/home/op/.ssh/id_fnh', proxyJump: 'bastion' },
      { name: 'dfw-alias', host: '203.0.113.5', port: 2201, user: 'fnh', keyPath: '/home/op/.ssh/id_fnh', proxyJump: 'bastion' },
      { name: 'bastion', host: 'gw.example.net', user: 'jump', keyPath: '/home/op/.ssh/id_fnh' },
    ]);
    const inv = validateInventoryInput(inventory, opts);
    expect(inv.nodes[0]!.proxyJump).toEqual({ kind: 'node', name: 'bastion' });
  });

  it('skips multi-hop ProxyJump with a warning instead of connecting directly', () => {
    const { inventory, warnings } = importSshConfig('Host far\n  ProxyJump a,b\n', { homeDir: '/h' });
    expect(inventory.nodes).toEqual([]);
    expect(warnings[0]).toMatch(/several hops/);
  });
});
