import type { DaemonConfig } from './config';
import type { LivenessManager } from './liveness';
import type { Logger } from './log';
import type { DaemonMetrics } from './metrics';
import { addHostAddress, flushPeerRoutes, installPeerRoute, linkIsUp, peerRoutes, removeHostAddress, watchLinkChanges } from './netlink';
import { readConnectionState, writeConnectionState, type ConnectionState } from './state';

export class DaemonConflict extends Error {}

/** One entry of `GET /routes`, with the field names of the real daemon's API. */
export interface RouteView {
  network: string;
  local_ip: string;
  peer_ip: string;
  kernel_state: 'present' | 'absent';
  liveness_last_updated?: string;
  liveness_state?: string;
  liveness_state_reason?: string;
  liveness_expected_kernel_state?: string;
  liveness_peer_mode?: string;
  peer_client_version?: string;
}

/** fallback poll of the interface; link changes normally arrive at once through `ip monitor` */
const LINK_WATCH_MS = 5000;

export class Doublezerod {
  private connection: ConnectionState = { connected: false, allocate: false };
  private linkWasUp = false;
  private watcher: NodeJS.Timeout | undefined;
  private stopMonitor: (() => void) | undefined;
  /** link checks run one at a time, in order */
  private linkCheck: Promise<void> = Promise.resolve();

  constructor(
    private readonly cfg: DaemonConfig,
    private readonly log: Logger,
    private readonly liveness: LivenessManager,
    private readonly metrics: DaemonMetrics,
  ) {}

  get doubleZeroIp(): string | null {
    if (!this.connection.connected) return null;
    return this.connection.allocate ? this.cfg.allocatedIp : this.cfg.publicIp;
  }

  /** Start-up: re-provision the saved connection with fresh sessions (none survive a restart). */
  async start(): Promise<void> {
    const saved = readConnectionState(this.cfg.statePath);
    this.log.info('starting doublezerod', { version: this.cfg.clientVersion, connected: saved.connected });
    if (saved.connected) await this.provision(saved.allocate);
    this.liveness.start();
    this.watcher = setInterval(() => this.checkLinkSoon(), LINK_WATCH_MS);
    this.stopMonitor = watchLinkChanges(() => this.checkLinkSoon());
  }

  async stop(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    this.stopMonitor?.();
    this.liveness.stop();
    this.log.info('doublezerod stopped');
  }

  async connect(allocate: boolean): Promise<void> {
    if (this.connection.connected) throw new DaemonConflict('already connected');
    await this.provision(allocate);
    writeConnectionState(this.cfg.statePath, this.connection);
  }

  async disconnect(): Promise<void> {
    if (!this.connection.connected) throw new DaemonConflict('not connected');
    const ifname = this.cfg.interfaceName;
    await flushPeerRoutes(ifname);
    if (this.connection.allocate) await removeHostAddress(ifname, this.cfg.allocatedIp);
    // THE SEED BUG, reproduced on purpose: teardown withdraws only the sessions sourced from the
    // public IP, so after `connect -a` the allocated IP's sessions stay behind and keep sending from
    // an address the host no longer has. Upstream fixed this by always withdrawing every session.
    this.liveness.removeSessions((s) => s.key.localIp !== this.cfg.allocatedIp);
    this.connection = { connected: false, allocate: false };
    writeConnectionState(this.cfg.statePath, this.connection);
    this.log.info('disconnected', { interface: ifname });
  }

  async routes(): Promise<RouteView[]> {
    const kernel = await peerRoutes(this.cfg.interfaceName);
    const inKernel = new Set(kernel.map((r) => `${r.src}|${r.peer}`));
    const views: RouteView[] = this.liveness.list().map((s) => ({
      network: this.cfg.moniker,
      local_ip: s.key.localIp,
      peer_ip: s.key.peerIp,
      kernel_state: inKernel.has(`${s.key.localIp}|${s.key.peerIp}`) ? 'present' : 'absent',
      liveness_last_updated: new Date(s.lastUpdatedMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      liveness_state: s.state,
      ...(s.state === 'Down' && s.lastDownReason ? { liveness_state_reason: s.lastDownReason } : {}),
      // Passive mode: liveness observes and never withholds routes, so it always expects them present.
      liveness_expected_kernel_state: 'present',
      liveness_peer_mode: s.peerMode,
      ...(s.peerClientVersion ? { peer_client_version: s.peerClientVersion } : {}),
    }));
    const withSession = new Set(views.map((v) => `${v.local_ip}|${v.peer_ip}`));
    for (const r of kernel) {
      if (r.src && !withSession.has(`${r.src}|${r.peer}`)) {
        views.push({ network: this.cfg.moniker, local_ip: r.src, peer_ip: r.peer, kernel_state: 'present' });
      }
    }
    return views.sort((a, b) => (a.local_ip + a.peer_ip).localeCompare(b.local_ip + b.peer_ip));
  }

  status(): Record<string, unknown> {
    return {
      tunnel_name: this.cfg.interfaceName,
      tunnel_dst: this.cfg.overlayPeer,
      doublezero_ip: this.doubleZeroIp ?? '',
      user_type: 'IBRL',
      doublezero_status: { session_status: this.connection.connected ? 'up' : 'disconnected' },
    };
  }

  private async provision(allocate: boolean): Promise<void> {
    const ifname = this.cfg.interfaceName;
    if (allocate) await addHostAddress(ifname, this.cfg.allocatedIp);
    this.connection = { connected: true, allocate };
    const dzIp = this.doubleZeroIp ?? this.cfg.publicIp;
    await this.installRoutes(dzIp);
    for (const peer of this.cfg.peers) await this.liveness.addSession({ interfaceName: ifname, localIp: dzIp, peerIp: peer });
    this.linkWasUp = await linkIsUp(ifname);
    this.log.info('connected', { interface: ifname, doublezero_ip: dzIp, allocated: allocate });
  }

  private async installRoutes(dzIp: string): Promise<void> {
    for (const peer of this.cfg.peers) {
      try {
        await installPeerRoute(this.cfg.interfaceName, peer, this.cfg.overlayPeer, dzIp);
      } catch (err) {
        // e.g. the interface is down: BGP cannot come up, the routes arrive when it does.
        this.metrics.routeInstallFailures++;
        this.log.error('bgp: error installing route', { peer, error: String(err).split('\n')[0] ?? '' });
      }
    }
  }

  private checkLinkSoon(): void {
    this.linkCheck = this.linkCheck.then(() => this.checkLink()).catch((err: unknown) => this.log.error('netlink: link check failed', { error: String(err) }));
  }

  /** BGP runs over the tunnel: when the interface comes back up, the session re-forms and the routes return. */
  private async checkLink(): Promise<void> {
    const up = await linkIsUp(this.cfg.interfaceName);
    const dzIp = this.doubleZeroIp;
    if (up && !this.linkWasUp && dzIp) {
      this.log.info('bgp: session established, installing routes', { interface: this.cfg.interfaceName });
      await this.installRoutes(dzIp);
    }
    this.linkWasUp = up;
  }
}
