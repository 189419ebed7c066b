import { rmSync, writeFileSync } from 'node:fs';
import { serveApi } from './api';
import { callDaemon, replyError, type DaemonReply } from './client';
import { loadDaemonConfig } from './config';
import { errnoCode } from './errno';
import { Doublezerod } from './daemon';
import { openJournal } from './journal';
import { LivenessManager } from './liveness';
import { createLogger } from './log';
import { DaemonMetrics, serveMetrics } from './metrics';

// Stand-in doublezerod for the lab (issue 4):
//   main.ts run            the daemon (started by the node's systemctl shim)
//   main.ts connect [-a]   provision the tunnel; -a also assigns the allocated IP and uses it as source
//   main.ts disconnect     tear down (with the seed's bug: the allocated IP's sessions stay behind)
//   main.ts status         print the daemon's status
const USAGE = 'usage: doublezerod run | connect [-a] | disconnect | status';

async function runDaemon(): Promise<void> {
  const cfg = loadDaemonConfig();
  const log = createLogger(openJournal(cfg.journalPath, 'doublezerod.service', 'doublezerod'));
  const metrics = new DaemonMetrics();
  const liveness = new LivenessManager(cfg, log, metrics);
  const daemon = new Doublezerod(cfg, log, liveness, metrics);
  await daemon.start();
  const server = await serveApi(cfg.socketPath, 'read-only', daemon, log);
  const controlServer = await serveApi(cfg.controlSocketPath, 'control', daemon, log);
  const metricsServer = await serveMetrics(cfg.metricsPort, metrics, () => liveness.list());
  writeFileSync(cfg.pidPath, `${process.pid}\n`);
  const shutdown = async () => {
    server.close();
    controlServer.close();
    metricsServer.close();
    await daemon.stop();
    rmSync(cfg.pidPath, { force: true });
    rmSync(cfg.socketPath, { force: true });
    rmSync(cfg.controlSocketPath, { force: true });
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

async function cli(args: readonly string[]): Promise<number> {
  const cfg = loadDaemonConfig();
  const [cmd, ...rest] = args;
  let reply: DaemonReply;
  if (cmd === 'connect' && rest.every((a) => a === '-a' || a === '--allocate-addr')) {
    reply = await callDaemon(cfg.controlSocketPath, 'POST', '/provision', { allocate: rest.length > 0 });
  } else if (cmd === 'disconnect' && rest.length === 0) {
    reply = await callDaemon(cfg.controlSocketPath, 'POST', '/remove');
  } else if (cmd === 'status' && rest.length === 0) {
    reply = await callDaemon(cfg.socketPath, 'GET', '/status');
    process.stdout.write(reply.body);
  } else {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const error = replyError(reply);
  if (error) {
    process.stderr.write(`doublezerod ${cmd}: ${error}\n`);
    return 1;
  }
  return 0;
}

const argv = process.argv.slice(2);
if (argv[0] === 'run' && argv.length === 1) {
  runDaemon().catch((err: unknown) => {
    process.stderr.write(`doublezerod: ${String(err)}\n`);
    process.exit(1);
  });
} else {
  cli(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const reason = errnoCode(err) === 'EACCES' ? 'permission denied: the daemon control socket needs root (use sudo)' : String(err);
      process.stderr.write(`doublezero: ${reason}\n`);
      process.exit(1);
    },
  );
}
