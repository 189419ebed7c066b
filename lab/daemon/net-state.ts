import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

// The node's links and local IPv4 addresses as the kernel reports them (`ip -j addr show`), kept current by
// `ip monitor link address`: what a pinned send depends on (lab/daemon/pinned-send.ts). Reading it per send
// would cost a process per packet; the monitor makes a change visible within milliseconds.
const run = promisify(execFile);

const addrShowSchema = z.array(
  z.object({
    ifindex: z.number().int(),
    ifname: z.string(),
    flags: z.array(z.string()),
    addr_info: z.array(z.object({ family: z.string(), local: z.string().optional() })).default([]),
  }),
);

export interface LinkView {
  index: number;
  up: boolean;
}

export interface NetSnapshot {
  links: ReadonlyMap<string, LinkView>;
  /** every IPv4 address assigned to any interface of the node */
  localAddresses: ReadonlySet<string>;
}

export function parseAddrShow(json: string): NetSnapshot {
  const links = new Map<string, LinkView>();
  const localAddresses = new Set<string>();
  for (const link of addrShowSchema.parse(JSON.parse(json))) {
    links.set(link.ifname, { index: link.ifindex, up: link.flags.includes('UP') });
    for (const a of link.addr_info) if (a.family === 'inet' && a.local) localAddresses.add(a.local);
  }
  return { links, localAddresses };
}

export async function readNetSnapshot(): Promise<NetSnapshot> {
  const { stdout } = await run('ip', ['-j', 'addr', 'show'], { timeout: 5000 });
  return parseAddrShow(stdout);
}

export class NetState {
  private snapshot: NetSnapshot = { links: new Map(), localAddresses: new Set() };
  private monitor: ReturnType<typeof spawn> | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private readonly listeners: (() => void)[] = [];

  get current(): NetSnapshot {
    return this.snapshot;
  }

  /** Reads the state once and follows every link/address change after that. */
  async start(): Promise<void> {
    this.monitor = spawn('ip', ['-o', 'monitor', 'link', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.monitor.stdout?.on('data', () => void this.refresh());
    this.monitor.on('error', () => undefined);
    await this.refresh();
  }

  stop(): void {
    this.monitor?.kill();
  }

  /** Called after every refresh (the daemon re-forms BGP when its tunnel comes back up). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the kernel's state; concurrent calls coalesce into one more read. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          this.snapshot = await readNetSnapshot();
        } catch {
          // keep the last snapshot; the next event or refresh tries again
        }
      } while (this.again);
      this.refreshing = undefined;
      for (const l of this.listeners) l();
    })();
    return this.refreshing;
  }
}
