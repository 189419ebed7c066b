import 'server-only';
import { networkInterfaces } from 'node:os';
import { listenAddressKey, originPolicy, parsePublicOrigins, type ListenAddress, type OriginPolicy } from '../origin-policy';

// The origin policy of this process (lib/auth/origin-policy.ts) from what it can see: FNH_PUBLIC_ORIGIN,
// the address scripts/server.ts listens on (or, under plain `next start`, the port Next.js puts in PORT,
// on all interfaces), and this machine's interface addresses.

function listenAddress(env: Readonly<Record<string, string | undefined>>): ListenAddress {
  const recorded = (globalThis as Record<symbol, unknown>)[listenAddressKey] as ListenAddress | undefined;
  if (recorded) return recorded;
  const port = Number(env.PORT);
  return { host: undefined, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => i.address.replace(/%.*$/, ''));
}

let cached: { key: string; policy: OriginPolicy; until: number } | undefined;

export function currentOriginPolicy(env: Readonly<Record<string, string | undefined>> = process.env, now = Date.now()): OriginPolicy {
  const listen = listenAddress(env);
  const key = JSON.stringify([env.FNH_PUBLIC_ORIGIN ?? '', listen.host ?? null, listen.port ?? null]);
  // Interface addresses can change (DHCP); re-read them now and then, not on every request.
  if (cached?.key === key && cached.until > now) return cached.policy;
  const policy = originPolicy({ publicOrigins: parsePublicOrigins(env.FNH_PUBLIC_ORIGIN).origins, listen, interfaceAddresses: interfaceAddresses() });
  cached = { key, policy, until: now + 10_000 };
  return policy;
}
