import { rmSync, writeFileSync } from 'node:fs';
import { daemonBehaviour, metricsServerStarted, parseClientVersion, systemctlShow, versionOutput } from '../../lib/doublezerod';
import { errorMessage } from '../../lib/errors';
import { serveApi } from './api';
import { buildInfoFor } from './build-info';
import { nowInstant } from './clock';
import { loadDaemonConfig } from './config';
import { Doublezerod } from './daemon';
import { FlagError, parseDaemonFlags } from './flags';
import { openJournal } from './journal';
import { LivenessManager } from './liveness';
import { createDaemonLog } from './log';
import { serveMetrics } from './metrics';
import { NetState } from './net-state';
import { PinnedSender } from './pinned-send';

// The stand-in doublezerod (lab/README.md): started by the node's systemctl shim with the unit's ExecStart
// flags, or asked `-version`. It behaves as the client version in the node's config: what it logs, serves and
// counts comes from lib/doublezerod for that version.
//   main.ts -sock-file PATH -env testnet [-metrics-enable] [-metrics-addr A] [-route-liveness-enable-passive]
//   main.ts -version
const BINARY = '/usr/bin/doublezerod';
const args = process.argv.slice(2);
const argv = [BINARY, ...args];
// /proc/PID/cmdline reads like the unit's ExecStart (the probe's metrics section reads the flags there).
process.title = argv.join(' ');

async function runDaemon(): Promise<void> {
  const flags = parseDaemonFlags(args);
  const cfg = loadDaemonConfig();
  const version = parseClientVersion(cfg.clientVersion);
  if (!version) throw new Error(`bad clientVersion ${cfg.clientVersion}`);
  const build = buildInfoFor(cfg.clientVersion);
  if (flags.version) {
    process.stdout.write(versionOutput(build));
    return;
  }
  const behaviour = daemonBehaviour(version);
  const unitStartMs = Number(process.env.FNH_UNIT_START_US ?? Date.now() * 1000) / 1000;
  const startedAtSec = Math.floor(unitStartMs / 1000);
  writeFileSync(cfg.versionPath, versionOutput(build));
  writeFileSync(
    cfg.systemctlShowPath,
    systemctlShow({ mainPid: process.pid, activeEnterMs: unitStartMs, execMainStartMs: unitStartMs, argv, execPid: process.pid }),
  );

  const log = createDaemonLog(openJournal(cfg.journalPath, argv));
  const net = new NetState();
  await net.start();
  // the metrics listener comes up first (its goroutine starts before runtime.Run), the daemon it reports after
  const started: { daemon?: Doublezerod } = {};
  const metrics = flags.metricsEnable ? await serveMetrics(flags.metricsAddr, () => started.daemon?.metricsBody() ?? '') : undefined;
  if (metrics) log.write(metricsServerStarted(nowInstant(), metrics.address));

  const passive = flags.livenessPassive ?? behaviour.livenessOnByDefault;
  const sender = new PinnedSender(version, cfg.livenessPort, (iface) =>
    iface === cfg.unicast.interfaceName ? { overlayPeer: cfg.unicast.overlayPeer, port: cfg.onLinkRelayPort } : undefined,
  );
  const liveness =
    passive || flags.livenessActive
      ? new LivenessManager({ version, behaviour, port: cfg.livenessPort, passiveMode: !flags.livenessActive, log, net, sender })
      : null;
  liveness?.start();
  const daemon = new Doublezerod(cfg, version, behaviour, net, liveness, startedAtSec);
  started.daemon = daemon;
  await daemon.start();
  const reportError = (err: unknown) => process.stderr.write(`doublezerod: ${String(err)}\n`);
  const server = await serveApi(flags.sockFile, 'read-only', daemon, reportError);
  const controlServer = await serveApi(cfg.controlSocketPath, 'control', daemon, reportError);
  writeFileSync(cfg.pidPath, `${process.pid}\n`);

  const shutdown = () => {
    server.close();
    controlServer.close();
    metrics?.server.close();
    liveness?.stop();
    net.stop();
    rmSync(cfg.pidPath, { force: true });
    rmSync(flags.sockFile, { force: true });
    rmSync(cfg.controlSocketPath, { force: true });
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

runDaemon().catch((err: unknown) => {
  // flag.Parse prints the problem and exits 2; anything else is a failed start
  process.stderr.write(`${errorMessage(err)}\n`);
  process.exit(err instanceof FlagError ? 2 : 1);
});
