import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDaemonRoutes } from './daemon-routes';
import { parseIpAddr } from './ip-addr';
import { parseIpLink } from './ip-link';
import { parseIpRoute } from './ip-route';
import { parseIpRule } from './ip-rule';
import { parseJournalDetailed } from './journal';
import { parseMetrics } from './metrics';
import { parseNft } from './nft';
import { parseSystemctlIsActive } from './systemctl';
import { testdata } from './testdata';

const parsers: Record<string, (text: string) => unknown> = {
  parseIpLink,
  parseIpAddr,
  parseIpRoute,
  parseIpRule,
  parseNft,
  parseDaemonRoutes,
  parseMetrics,
  parseSystemctlIsActive,
  parseJournalDetailed,
};

// Node output is untrusted: arbitrary text, arbitrary JSON, and real outputs with bytes flipped.
const realOutputs = ['ip-link.json', 'ip-addr.json', 'ip-route.json', 'ip-rule.json', 'nft.json'].map(testdata);
const mutatedReal = fc
  .tuple(fc.constantFrom(...realOutputs), fc.nat(), fc.string({ maxLength: 8 }))
  .map(([text, at, insert]) => text.slice(0, at % text.length) + insert + text.slice((at % text.length) + 1));
const jsonValue = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const arrayOfObjects = fc
  .array(
    fc.dictionary(
      fc.constantFrom(
        'ifname',
        'ifindex',
        'dst',
        'table',
        'priority',
        'addr_info',
        'flags',
        'nftables',
        'rule',
        'expr',
        'local_ip',
        'peer_ip',
        'src',
        'srclen',
      ),
      fc.jsonValue(),
    ),
  )
  .map((v) => JSON.stringify(v));
const nftRule = fc.record({
  family: fc.string(),
  table: fc.string(),
  chain: fc.string(),
  name: fc.string(),
  expr: fc.array(fc.dictionary(fc.constantFrom('match', 'drop', 'jump', 'counter'), fc.jsonValue({ maxDepth: 3 })), { maxLength: 5 }),
});
const nftShaped = fc
  .array(fc.dictionary(fc.constantFrom('rule', 'chain', 'set'), fc.oneof(fc.jsonValue({ maxDepth: 3 }), nftRule)), { maxLength: 10 })
  .map((items) => JSON.stringify({ nftables: items }));
const anyInput = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), jsonValue, arrayOfObjects, nftShaped, mutatedReal);

describe('parsers on arbitrary input', () => {
  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name} never throws`, () => {
      fc.assert(
        fc.property(anyInput, (text) => {
          expect(() => parse(text)).not.toThrow();
        }),
        { numRuns: 200 },
      );
    }, 60_000);
  }
});
