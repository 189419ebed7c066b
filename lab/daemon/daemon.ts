import {
  metricsExposition,
  routesBody,
  statusBody,
  v2StatusBody,
  type BgpSessionStatus,
  type ClientVersion,
  type DaemonBehaviour,
  type ProvisionedService,
} from '../../lib/doublezerod';
import { buildInfoFor } from './build-info';
import type { DaemonConfig } from './config';
import type { LivenessManager } from './liveness';
import { addHostAddress, bgpRoutes, flushPeerRoutes, installPeerRoutes, removeHostAddress } from './netlink';
import type { NetState } from './net-state';
import { readConnectionState, writeConnectionState, type ConnectionState } from './state';

// The stand-in daemon's provisioning side: what `doublezero connect ibrl [-a]` and `disconnect` do to the
// node (the DZ IP, the BGP /32 routes, a liveness session per route), per version, and the answers of its API.
// The tunnels themselves are made by lab/up.sh (upstream creates and deletes the GRE tunnel; the lab's are
// veths that stay: lab/README.md). Every API body comes from lib/doublezerod for this node's version.

export class DaemonConflict extends Error {}

/** The lab's DZ devices are all this one underlay address (the GRE tunnel's far end on a real node). */
const DEVICE_IP = '198.18.0.1';

export class Doublezerod {
  private connection: ConnectionState = { connected: false, allocate: false };
  private connectedAtSec = 0;
  private tunnelWasUp = false;
  /** link reactions run one at a time, in order */
  private linkCheck: Promise<void> = Promise.resolve();

  constructor(
    private readonly cfg: DaemonConfig,
    private readonly version: ClientVersion,
    private readonly behaviour: DaemonBehaviour,
    private readonly net: NetState,
    /** null: liveness is off (neither passive nor active mode) */
    private readonly liveness: LivenessManager | null,
    private readonly startedAtSec: number,
  ) {}

  get doubleZeroIp(): string | null {
    if (!this.connection.connected) return null;
    return this.connection.allocate ? this.cfg.unicast.allocatedIp : this.cfg.unicast.publicIp;
  }

  /** Start-up: re-provision the saved connection with fresh sessions (none survive a restart). */
  async start(): Promise<void> {
    const saved = readConnectionState(this.cfg.statePath);
    if (saved.connected) await this.provision(saved.allocate);
    this.tunnelWasUp = this.tunnelUp();
    this.net.onChange(() => {
      this.linkCheck = this.linkCheck.then(() => this.onLinkChange()).catch(() => undefined);
    });
  }

  async connect(allocate: boolean): Promise<void> {
    if (this.connection.connected) throw new DaemonConflict('already connected');
    await this.provision(allocate);
    writeConnectionState(this.cfg.statePath, this.connection);
  }

  /**
   * Teardown. Since v0.8.1 (PR 2380) every route is withdrawn through liveness, so every session ends. Up to
   * v0.8.0 an IBRL-with-allocated-IP connection does not flush its routes on close (FlushRoutes=false), so its
   * sessions are never withdrawn and keep sending from the allocated IP the tunnel no longer has: the seed bug.
   */
  async disconnect(): Promise<void> {
    if (!this.connection.connected) throw new DaemonConflict('not connected');
    const { interfaceName: ifname, allocatedIp } = this.cfg.unicast;
    const dzIp = this.doubleZeroIp ?? this.cfg.unicast.publicIp;
    const withdraw = this.behaviour.withdrawsSessionsOnDisconnect || !this.connection.allocate;
    if (withdraw && this.liveness) {
      for (const peer of this.cfg.unicast.peers) this.liveness.withdrawRoute({ iface: ifname, localIp: dzIp, peerIp: peer });
    }
    // Upstream deletes the tunnel, and its routes and the allocated /32 with it; the lab's veth stays.
    await flushPeerRoutes(ifname);
    if (this.connection.allocate) await removeHostAddress(ifname, allocatedIp);
    this.connection = { connected: false, allocate: false };
    writeConnectionState(this.cfg.statePath, this.connection);
  }

  private services(): ProvisionedService[] {
    const u = this.cfg.unicast;
    const bgpStatus = (iface: string): BgpSessionStatus => (this.net.current.links.get(iface)?.up ? 'BGP Session Up' : 'BGP Session Down');
    const services: ProvisionedService[] = [];
    if (this.connection.connected) {
      services.push({
        userType: this.connection.allocate ? 'IBRLWithAllocatedIP' : 'IBRL',
        tunnelName: 'doublezero0',
        tunnelSrc: u.publicIp,
        tunnelDst: DEVICE_IP,
        doubleZeroIp: this.doubleZeroIp ?? u.publicIp,
        overlayPeer: u.overlayPeer,
        bgpStatus: bgpStatus(u.interfaceName),
        lastSessionUpdate: this.connectedAtSec,
      });
    }
    const m = this.cfg.multicast;
    if (m) {
      services.push({
        userType: 'Multicast',
        tunnelName: 'doublezero1',
        tunnelSrc: u.publicIp,
        tunnelDst: DEVICE_IP,
        doubleZeroIp: '',
        overlayPeer: m.overlayPeer,
        bgpStatus: bgpStatus(m.interfaceName),
        lastSessionUpdate: this.startedAtSec,
      });
    }
    return services;
  }

  async routesBody(): Promise<string> {
    const u = this.cfg.unicast;
    const kernelRoutes = (await bgpRoutes(u.interfaceName)).flatMap((r) => (r.src && r.via ? [{ peerIp: r.peer, src: r.src, nextHop: r.via }] : []));
    return routesBody(this.version, { network: this.cfg.moniker, services: this.services(), kernelRoutes, sessions: this.liveness?.apiSessions() ?? null });
  }

  v2StatusBody(): string {
    const groups = this.cfg.multicast?.subscribeGroups ?? [];
    return v2StatusBody(this.version, {
      reconcilerEnabled: false,
      clientIp: this.cfg.unicast.publicIp,
      network: this.cfg.moniker,
      services: this.services().map((s) => (s.userType === 'Multicast' ? { ...s, multicastGroups: { publisher: [], subscriber: [...groups] } } : s)),
    });
  }

  statusBody(): string {
    return statusBody(this.services());
  }

  metricsBody(): string {
    return metricsExposition({
      build: buildInfoFor(this.cfg.clientVersion),
      sessions: this.liveness?.sessionCounts() ?? [],
      writeSocketErrors: this.liveness?.writeSocketErrors() ?? [],
      processStartEpochSeconds: this.startedAtSec,
    });
  }

  private tunnelUp(): boolean {
    return this.net.current.links.get(this.cfg.unicast.interfaceName)?.up ?? false;
  }

  private async provision(allocate: boolean): Promise<void> {
    const u = this.cfg.unicast;
    if (allocate) await addHostAddress(u.interfaceName, u.allocatedIp);
    this.connection = { connected: true, allocate };
    this.connectedAtSec = Math.floor(Date.now() / 1000);
    await this.net.refresh();
    const dzIp = this.doubleZeroIp ?? u.publicIp;
    // BGP (passive mode: RegisterRoute installs the route, then starts its session)
    await installPeerRoutes(u.interfaceName, u.peers, u.overlayPeer, dzIp);
    if (this.liveness) {
      for (const peer of u.peers) await this.liveness.registerRoute({ iface: u.interfaceName, localIp: dzIp, peerIp: peer }, u.overlayPeer);
    }
  }

  /** BGP runs over the tunnel: when it comes back up, the session re-forms and the routes return. */
  private async onLinkChange(): Promise<void> {
    const up = this.tunnelUp();
    const dzIp = this.doubleZeroIp;
    if (up && !this.tunnelWasUp && dzIp) {
      const u = this.cfg.unicast;
      await installPeerRoutes(u.interfaceName, u.peers, u.overlayPeer, dzIp);
    }
    this.tunnelWasUp = up;
  }
}
