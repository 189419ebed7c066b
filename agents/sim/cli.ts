// `npm run sim -- --nodes N --dir D --base-port P [--route-table NAME=ROUTES]`: runs a simulated fleet
// until SIGINT/SIGTERM. `--route-table` gives one node a huge kernel route table (e.g. 1000000).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimFleet } from './fleet';
import { errorMessage } from '../../lib/errors';

const argsSchema = z.object({
  nodes: z.coerce.number().int().min(1).max(16_000),
  dir: z.string().min(1),
  'base-port': z.coerce.number().int().min(0).max(65535),
  host: z.string().regex(/^[0-9.]+$/, 'an IPv4 address'),
  'route-table': z
    .string()
    .regex(/^[a-z0-9-]+=\d{1,8}$/, 'NAME=ROUTES')
    .transform((v) => {
      const [name, routes] = v.split('=') as [string, string];
      return { name, routes: Number(routes) };
    })
    .optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '12' },
      dir: { type: 'string', default: path.join('.data', 'sim') },
      'base-port': { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'route-table': { type: 'string' },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`sim: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const args = parsed.data;
  const big = args['route-table'];
  const fleet = await startSimFleet({
    count: args.nodes,
    dir: args.dir,
    basePort: args['base-port'],
    host: args.host,
    ...(big ? { scenarioOverrides: { [big.name]: { routeTableSize: big.routes } } } : {}),
  });
  // Handlers first: whoever reads the printed paths may signal us right away.
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`sim: ${sig}, stopping`);
    void fleet.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const ports = fleet.nodes.map((n) => n.port);
  console.log(`simulated fleet: ${fleet.nodes.length} nodes on ${args.host}, ports ${Math.min(...ports)}-${Math.max(...ports)}`);
  if (big) console.log(`  ${big.name.padEnd(14)} ${big.routes} routes in its table`);
  for (const n of fleet.nodes)
    if (n.kind !== 'healthy' || n.behavior !== 'normal')
      console.log(`  ${n.name.padEnd(14)} :${n.port}  ${n.kind}${n.behavior === 'normal' ? '' : ` (${n.behavior})`}`);
  console.log(`inventory:   ${fleet.inventoryPath}`);
  console.log(`known_hosts: ${fleet.knownHostsPath}`);
  console.log(`client key:  ${fleet.clientKeyPath} (user fnh)`);
}

main().catch((err: unknown) => {
  console.error(errorMessage(err));
  process.exit(1);
});
