import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpRoute, routeRecordSchema } from './ip-route';
import { isRouteRecordShape } from './ip-route-guard';
import { parseJsonRecords } from './json-records';

// Values a field may hold in JSON: the right type, the wrong type, edge numbers.
const anyJsonValue = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(0, 1, -1, 1.5, 2 ** 53, 254, null, true, false),
  fc.constant([]),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
  fc.constant({}),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
// Mostly a value of the right type, sometimes anything: both sides of the check get exercised.
const mostly = <T>(good: fc.Arbitrary<T>) => maybe(fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: anyJsonValue, weight: 1 }));
const text = fc.string({ maxLength: 6 });
const flags = fc.oneof(
  { arbitrary: fc.array(text, { maxLength: 2 }), weight: 8 },
  { arbitrary: anyJsonValue, weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);
const nexthop = fc.record({ gateway: mostly(text), dev: mostly(text), weight: mostly(fc.integer()), flags }, { requiredKeys: [] });
const record = fc.record(
  {
    dst: fc.oneof(
      { arbitrary: fc.constantFrom('default', '10.0.0.0/24', '2001:db8::/64', '1.2.3.4', '1.2.3.4/40'), weight: 8 },
      { arbitrary: anyJsonValue, weight: 1 },
    ),
    type: mostly(text),
    table: mostly(fc.oneof(text, fc.integer({ min: 0, max: 300 }))),
    protocol: mostly(fc.oneof(text, fc.integer({ min: 0, max: 300 }))),
    scope: mostly(fc.oneof(text, fc.integer({ min: 0, max: 300 }))),
    metric: mostly(fc.integer({ min: -2, max: 2 ** 32 })),
    prefsrc: mostly(text),
    gateway: mostly(fc.oneof(text, fc.constantFrom('169.254.0.2', 'fe80::1'))),
    dev: mostly(text),
    pref: mostly(text),
    nexthops: mostly(fc.array(nexthop, { maxLength: 2 })),
    flags,
    extra: maybe(anyJsonValue),
  },
  { requiredKeys: [] },
);
// As JSON.parse would give it: no undefined-valued keys.
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

describe('isRouteRecordShape (the route parser fast path)', () => {
  it('accepts only records the zod schema accepts, and those unchanged by it', () => {
    let accepted = 0;
    fc.assert(
      fc.property(record, (generated) => {
        const value = asJson(generated);
        if (!isRouteRecordShape(value)) return;
        accepted++;
        const viaZod = routeRecordSchema.safeParse(value);
        expect(viaZod.success).toBe(true);
        expect(viaZod.data).toEqual(value);
      }),
      { numRuns: 5000 },
    );
    // The generator must reach the accepting side too, or this property proves nothing.
    expect(accepted).toBeGreaterThan(0);
  });

  it('accepts what real ip -j route output holds', () => {
    expect(
      isRouteRecordShape({
        dst: '10.0.0.0/24',
        gateway: '169.254.0.2',
        dev: 'doublezero0',
        protocol: 'bgp',
        scope: 'global',
        prefsrc: '209.245.225.161',
        flags: [],
      }),
    ).toBe(true);
    expect(isRouteRecordShape({ type: 'local', dst: '127.0.0.1', table: 'local', protocol: 'kernel', scope: 'host', flags: [] })).toBe(true);
    expect(isRouteRecordShape({ dst: '198.18.8.0/24', nexthops: [{ gateway: '169.254.0.2', dev: 'doublezero0', weight: 1, flags: [] }], flags: [] })).toBe(
      true,
    );
  });

  it('leaves records with missing defaults or wrong types to zod', () => {
    expect(isRouteRecordShape({ dst: '10.0.0.0/24' })).toBe(false); // zod adds flags: []
    expect(isRouteRecordShape({ dst: '10.0.0.0/24', metric: -1, flags: [] })).toBe(false);
    expect(isRouteRecordShape({ dst: '10.0.0.0/24', protocol: null, flags: [] })).toBe(false);
    expect(isRouteRecordShape({ dst: '10.0.0.0/24', nexthops: [{ dev: 'eth0' }], flags: [] })).toBe(false);
  });
});

describe('parseIpRoute with the fast path', () => {
  it('gives the same records and the same error messages as zod alone', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), (generated) => {
        const text = JSON.stringify(generated.map(asJson));
        expect(parseJsonRecords(text, routeRecordSchema, 'ip route', isRouteRecordShape)).toEqual(parseJsonRecords(text, routeRecordSchema, 'ip route'));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a large IPv4 table with the same prefixes as the general parser', () => {
    const text = JSON.stringify([
      { dst: '10.1.2.0/24', gateway: '169.254.0.2', dev: 'doublezero0', protocol: 'bgp', flags: [] },
      { dst: '10.1.2.3', dev: 'doublezero0', flags: [] },
      { dst: '10.1.2.0/33', flags: [] },
      { dst: '010.1.2.0/24', flags: [] },
      { dst: '10.1.2.0/24/1', flags: [] },
      { dst: 'default', gateway: 'fe80::1', flags: [] },
    ]);
    const parsed = parseIpRoute(text);
    expect(parsed.items.map((r) => r.dst)).toEqual([
      { family: 'inet', addr: '10.1.2.0', len: 24 },
      { family: 'inet', addr: '10.1.2.3', len: 32 },
      { family: 'inet6', addr: '::', len: 0 },
    ]);
    expect(parsed.issues.map((i) => i.message)).toEqual([
      'ip route record 2: unreadable dst',
      'ip route record 3: unreadable dst',
      'ip route record 4: unreadable dst',
    ]);
  });
});
