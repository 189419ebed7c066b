import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadBundleFolder } from '../bundle/folder';
import { normalizeBundle } from '../model/normalize';
import { diagnose } from './diagnose';
import { verdicts } from './types';

// Bundles written exactly as the upstream daemon logs and answers (fixtures/bundles/README.md says how each
// was made), each with the verdicts DESIGN.md and upstream demand in its expected.json: written from the
// daemon's behaviour, not from what this diagnosis prints. One case per point of issue 11's "done when".
const root = path.join(__dirname, '..', '..', 'fixtures', 'bundles');

const required = [
  'upstream-throttle-200-stale',
  'upstream-throttle-200-stale-routes',
  'upstream-v0.7.0-warnings',
  'upstream-unknown-peer-warn',
  'upstream-passive-quiet',
  'upstream-doublezero1-down',
  'upstream-multicast-only-down',
  'upstream-restarted',
  'upstream-ip-reassigned',
] as const;

const verdict = z.enum(verdicts);
const expectedSchema = z.object({
  peers: z.record(z.string(), verdict),
  worst: verdict.nullable(),
  findings: z.array(
    z.union([
      z.object({
        kind: z.literal('stale-local-ip'),
        interface: z.string(),
        localIP: z.string().nullable(),
        sessionsFailing: z.number().int(),
        exact: z.boolean(),
      }),
      z.object({ kind: z.literal('tunnel'), interface: z.string(), verdict }),
      z.object({ kind: z.literal('daemon-not-running') }),
    ]),
  ),
  note: z.string().optional(),
});

describe('bundles written as upstream doublezerod writes them', () => {
  it.each(required)('%s gives the verdicts its expected.json states', async (name) => {
    const folder = path.join(root, name);
    const expected = expectedSchema.parse(JSON.parse(readFileSync(path.join(folder, 'expected.json'), 'utf8')));
    const d = diagnose(normalizeBundle(await loadBundleFolder(folder)));
    expect(Object.fromEntries(d.peers.map((p) => [p.peer, p.verdict]))).toEqual(expected.peers);
    expect(d.worst).toBe(expected.worst);
    const findings = d.findings.map((f) =>
      f.kind === 'stale-local-ip'
        ? { kind: f.kind, interface: f.interface, localIP: f.localIP, sessionsFailing: f.sessionsFailing, exact: f.exact }
        : f.kind === 'tunnel'
          ? { kind: f.kind, interface: f.interface, verdict: f.verdict }
          : { kind: f.kind },
    );
    expect(findings).toEqual(expected.findings);
  });
});
