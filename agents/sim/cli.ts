// `npm run sim -- --nodes N --dir D --base-port P`: runs a simulated fleet until SIGINT/SIGTERM.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimFleet } from './fleet';

const argsSchema = z.object({
  nodes: z.coerce.number().int().min(1).max(16_000),
  dir: z.string().min(1),
  'base-port': z.coerce.number().int().min(0).max(65535),
  host: z.string().regex(/^[0-9.]+$/, 'an IPv4 address'),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '12' },
      dir: { type: 'string', default: path.join('.data', 'sim') },
      'base-port': { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`sim: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const args = parsed.data;
  const fleet = await startSimFleet({ count: args.nodes, dir: args.dir, basePort: args['base-port'], host: args.host });
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
  for (const n of fleet.nodes) if (n.kind !== 'healthy' || n.behavior !== 'normal') console.log(`  ${n.name.padEnd(14)} :${n.port}  ${n.kind}${n.behavior === 'normal' ? '' : ` (${n.behavior})`}`);
  console.log(`inventory:   ${fleet.inventoryPath}`);
  console.log(`known_hosts: ${fleet.knownHostsPath}`);
  console.log(`client key:  ${fleet.clientKeyPath} (user fnh)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
