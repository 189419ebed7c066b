import { describe, expect, it } from 'vitest';
import type { Bundle } from '@/lib/bundle/types';
import { testdata } from '@/lib/parse/testdata';
import { buildNodeTables } from './node-tables';
import { summarizeBundle } from './summarize-bundle';

const section = (stdout: string) => ({ stdout, stderr: '', exitCode: 0, truncated: false });
function bundle(sections: Bundle['sections']): Bundle {
  return { meta: { node: 'dfw-mn-bm1', collectedAt: '2025-11-30T19:40:00Z' }, sections };
}

describe('summarizeBundle (real iproute2 output)', () => {
  it('reads doublezero0 state, addresses and tunnel routes', () => {
    const facts = summarizeBundle(
      bundle({ 'ip-link': section(testdata('ip-link.json')), 'ip-addr': section(testdata('ip-addr.json')), 'ip-route': section(testdata('ip-route.json')), systemctl: section('active\n') }),
    );
    expect(facts.link).toBe('up');
    expect(facts.daemonActive).toBe('active');
    expect(facts.dz0Addresses).toContain('209.245.225.161/32');
    expect(facts.dz0Addresses).toContain('169.254.0.3/31');
    // The bgp /32 of the seed's peer is learned through the tunnel; kernel local routes are not.
    expect(facts.dz0Routes).toBeGreaterThan(0);
  });
  it('sees the link down, and missing when the interface is gone', () => {
    expect(summarizeBundle(bundle({ 'ip-link': section(testdata('ip-link-down.json')) })).link).toBe('down');
    expect(summarizeBundle(bundle({ 'ip-link': section('[{"ifindex":1,"ifname":"lo","flags":["UP"],"operstate":"UNKNOWN"}]') })).link).toBe('missing');
  });
  it('is unknown rather than missing when ip link was not collected', () => {
    expect(summarizeBundle(bundle({})).link).toBe('unknown');
    expect(summarizeBundle(bundle({})).daemonActive).toBeNull();
  });
});

describe('buildNodeTables', () => {
  it('lists interfaces, addresses and routes of all tables', () => {
    const t = buildNodeTables(bundle({ 'ip-link': section(testdata('ip-link.json')), 'ip-addr': section(testdata('ip-addr.json')), 'ip-route': section(testdata('ip-route.json')) }));
    expect(t.interfaces.find((i) => i.ifname === 'doublezero0')).toMatchObject({ mtu: 1476 });
    expect(t.addresses).toContainEqual(expect.objectContaining({ ifname: 'doublezero0', cidr: '209.245.225.161/32' }));
    expect(new Set(t.routes.map((r) => r.table))).toEqual(new Set(['main', 'local', '100']));
    expect(t.routes.find((r) => r.dst === '198.18.8.0/24')?.gateway).toBe('169.254.0.2, 169.254.0.2');
    expect(t.parseIssues).toEqual([]);
  });
  it('reports unreadable output instead of hiding it', () => {
    const t = buildNodeTables(bundle({ 'ip-link': section('not json') }));
    expect(t.interfaces).toEqual([]);
    expect(t.parseIssues.join()).toContain('ip link');
  });
});
