// `npm run demo` / `npm start`: the whole product on one machine with no setup.
// Without --inventory it starts a simulated fleet of real SSH servers (agents/sim) in this process,
// then runs the Next.js server (with the embedded agent and the PGlite store) as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimFleet } from '../agents/sim/fleet';
import { loadInventoryFile } from '../agents/inventory-file';
import { demoStartEnv, realStartDecision } from '../lib/auth/first-admin';
import { inspectAccounts } from './first-admin-check';
import { errorMessage } from '../lib/errors';

const root = path.resolve(import.meta.dirname, '..');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const serverScript = path.join(root, 'scripts', 'server.ts');
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    'data-dir': { type: 'string', default: process.env.FNH_DEMO_DIR ?? path.join(root, '.data', 'demo') },
    inventory: { type: 'string', default: process.env.FNH_INVENTORY },
    nodes: { type: 'string', default: '12' },
    fresh: { type: 'boolean', default: false },
    rebuild: { type: 'boolean', default: false },
    dev: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const dataDir = path.resolve(args['data-dir']);
  if (args.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  let inventoryPath = args.inventory ? path.resolve(args.inventory) : undefined;
  let fleetSource = 'inventory';
  let stopSim: (() => Promise<void>) | undefined;
  if (!inventoryPath) {
    const sim = await startSimFleet({ count: Number(args.nodes), dir: path.join(dataDir, 'sim') });
    inventoryPath = sim.inventoryPath;
    fleetSource = 'simulated';
    stopSim = () => sim.stop();
    console.log(`simulated fleet: ${sim.nodes.length} SSH nodes on 127.0.0.1, inventory ${inventoryPath}`);
  }
  // A bad inventory stops start-up here with file, line and field, before any server starts.
  try {
    loadInventoryFile(inventoryPath);
  } catch (err) {
    console.error(errorMessage(err));
    await stopSim?.();
    process.exit(1);
  }

  // The first admin: the simulated demo signs in as admin / admin-demo-password with no setup; a real
  // fleet never gets that password, and with no account at all this says how to make one and stops.
  const pgliteDir = path.join(dataDir, 'pglite');
  let adminEnv: Record<string, string>;
  if (fleetSource === 'simulated') {
    adminEnv = demoStartEnv(process.env);
  } else {
    const decision = realStartDecision({
      env: process.env,
      seen: await inspectAccounts({ databaseUrl: process.env.DATABASE_URL, pgliteDir }),
      userCreateArgs: process.env.DATABASE_URL ? '(with the same DATABASE_URL)' : `--data-dir ${pgliteDir}`,
    });
    if (decision.kind === 'refuse') {
      console.error(`not starting: ${decision.message}`);
      await stopSim?.();
      process.exit(1);
    }
    adminEnv = decision.env;
  }

  if (!args.dev && (args.rebuild || !existsSync(path.join(root, '.next', 'BUILD_ID')))) {
    console.log('building the dashboard (next build)…');
    const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  // scripts/server.ts, not `next start`: it knows each request's client address and its own listening
  // address, which sign-in limits and the Host check need.
  // FNH_SERVER_CPU_PROF_DIR (bench:read --cpu-prof): the server writes a V8 CPU profile there when it stops
  const profile = process.env.FNH_SERVER_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.FNH_SERVER_CPU_PROF_DIR)}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', serverScript, '--port', args.port, '--host', args.host, ...(args.dev ? ['--dev'] : [])],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        FNH_INVENTORY: inventoryPath,
        FNH_FLEET_SOURCE: fleetSource,
        FNH_DATA_DIR: process.env.DATABASE_URL ? undefined : pgliteDir,
        ...adminEnv,
      },
    },
  );
  const signIn =
    fleetSource === 'simulated'
      ? `sign in as ${adminEnv.FNH_ADMIN_USER} / ${process.env.FNH_ADMIN_PASSWORD ? '(FNH_ADMIN_PASSWORD)' : adminEnv.FNH_ADMIN_PASSWORD}`
      : 'sign in with your account';
  console.log(`dashboard: http://${args.host}:${args.port}  (${signIn})`);

  let stopping = false;
  const stop = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // The server closes its store on the signal; wait for it before the fleet goes away.
    child.kill(sig);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 0 : 1))));
  await stopSim?.();
  process.exit(code);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
