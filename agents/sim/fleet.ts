import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderInventory, renderKnownHosts } from './files';
import { loadOrCreateClientKey, loadOrCreateHostKeys, parsePublicKey } from './keys';
import {
  behaviors,
  buildNodeState,
  incidentKinds,
  MAX_NODES,
  nodeName,
  peersOf,
  planNode,
  type Behavior,
  type IncidentKind,
  type NodePlan,
  type ScenarioOverride,
} from './scenarios';
import { reserveClosedPorts, SimNodeServer, SIM_USER } from './server';
import type { SimNodeState } from './state';

// startSimFleet: N simulated nodes, each a real SSH server on its own port, plus the inventory,
// known_hosts and client key the agent needs to poll them.

export interface SimFleetOptions {
  /** default 12 */
  count?: number;
  /** where inventory.yaml, known_hosts, id_ed25519 and host keys go (created if missing) */
  dir: string;
  /** node i listens on basePort + i; 0 or absent: ephemeral ports */
  basePort?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** by node name: an incident kind, a behaviour, or both with options */
  scenarioOverrides?: Record<string, IncidentKind | Behavior | ScenarioOverride>;
  /** the clock the nodes answer with (ms epoch); default Date.now */
  now?: () => number;
}

export interface SimNodeInfo {
  name: string;
  host: string;
  port: number;
  site: string;
  tags: string[];
  kind: IncidentKind;
  behavior: Behavior;
  /** the node's DZ IP */
  dzIp: string;
}

export interface SimNodeHandle extends SimNodeInfo {
  state: SimNodeState;
  plan: NodePlan;
  /** `ssh-ed25519 AAAA...` of the node's current host key */
  hostPublicKey(): string;
  /** stop then start the SSH server (a `rekey` node gets a new host key) */
  restart(): Promise<void>;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
}

export interface SimFleet {
  nodes: SimNodeInfo[];
  inventoryPath: string;
  knownHostsPath: string;
  clientKeyPath: string;
  node(name: string): SimNodeHandle;
  stop(): Promise<void>;
}

function normalizeOverride(o: IncidentKind | Behavior | ScenarioOverride | undefined): ScenarioOverride | undefined {
  if (o === undefined || typeof o === 'object') return o;
  const kind = incidentKinds.find((k) => k === o);
  if (kind) return { kind };
  const behavior = behaviors.find((b) => b === o);
  if (behavior) return { behavior };
  throw new Error(`unknown scenario override ${JSON.stringify(o)}`);
}

// Starting thousands of listeners at once is fine for the kernel but not for the event loop.
const START_BATCH = 100;

export async function startSimFleet(opts: SimFleetOptions): Promise<SimFleet> {
  const count = opts.count ?? 12;
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) throw new Error(`count must be 1-${MAX_NODES}, got ${count}`);
  const basePort = opts.basePort ?? 0;
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + count - 1 > 65535) throw new Error(`bad base port ${basePort}`);
  const host = opts.host ?? '127.0.0.1';
  const now = opts.now ?? Date.now;
  const dir = path.resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const overrides = opts.scenarioOverrides ?? {};
  for (const name of Object.keys(overrides)) {
    if (!Array.from({ length: count }, (_, i) => nodeName(i)).includes(name)) throw new Error(`scenario override for unknown node ${name}`);
  }

  const clientKeyPath = path.join(dir, 'id_ed25519');
  const clientKey = loadOrCreateClientKey(clientKeyPath);
  chmodSync(clientKeyPath, 0o600);
  const clientParsed = parsePublicKey(clientKey.publicKey);

  const plans = Array.from({ length: count }, (_, i) => planNode(i, normalizeOverride(overrides[nodeName(i)])));
  const hostKeys = loadOrCreateHostKeys(
    path.join(dir, 'host-keys.json'),
    plans.map((p) => p.name),
  );
  const startedAt = now();
  const servers = plans.map(
    (plan, i) =>
      new SimNodeServer({
        plan,
        state: buildNodeState(plan, peersOf(plans, i), startedAt),
        hostKey: hostKeys.get(plan.name)!,
        clientKey: clientParsed,
        host,
        port: basePort === 0 ? 0 : basePort + i,
        now,
      }),
  );
  try {
    for (let i = 0; i < servers.length; i += START_BATCH) await Promise.all(servers.slice(i, i + START_BATCH).map((s) => s.start()));
    // Picked after every listener is up, so an unreachable node's number is nobody else's.
    const closed = servers.filter((s) => !s.listening && s.port === 0);
    const ports = await reserveClosedPorts(host, closed.length);
    closed.forEach((s, i) => (s.port = ports[i]!));
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }

  const infoOf = (s: SimNodeServer): SimNodeInfo => ({
    name: s.plan.name,
    host,
    port: s.port,
    site: s.plan.site,
    tags: [...s.plan.tags],
    kind: s.plan.kind,
    behavior: s.plan.behavior,
    dzIp: s.plan.dzIp,
  });
  const knownHostsPath = path.join(dir, 'known_hosts');
  const inventoryPath = path.join(dir, 'inventory.yaml');
  writeFileSync(knownHostsPath, renderKnownHosts(servers.map((s) => ({ host, port: s.port, publicKey: s.hostKey.publicKey }))));
  writeFileSync(inventoryPath, renderInventory(servers.map(infoOf), SIM_USER, path.basename(clientKeyPath), path.basename(knownHostsPath)));

  const byName = new Map(servers.map((s) => [s.plan.name, s]));
  let stopped = false;
  return {
    nodes: servers.map(infoOf),
    inventoryPath,
    knownHostsPath,
    clientKeyPath,
    node(name) {
      const s = byName.get(name);
      if (!s) throw new Error(`no simulated node ${name}`);
      return {
        ...infoOf(s),
        state: s.state,
        plan: s.plan,
        hostPublicKey: () => s.hostKey.publicKey,
        restart: () => s.restart(),
        stopServer: () => s.stop(),
        startServer: () => s.start(),
      };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
