import { z } from 'zod';

// Schemas for what the tests read back from nodes: journald JSON entries, the daemon's GET /routes,
// and the bits of `ip -j` they look at. Everything from a node is parsed, never trusted.
export const journalEntrySchema = z.object({
  __REALTIME_TIMESTAMP: z.string().regex(/^\d{16}$/),
  _PID: z.string().regex(/^\d+$/),
  PRIORITY: z.string().regex(/^[0-7]$/),
  SYSLOG_IDENTIFIER: z.string().min(1),
  MESSAGE: z.string(),
});

export const daemonLogSchema = z.object({
  time: z.string(),
  level: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  msg: z.string(),
  error: z.string().optional(),
  peer: z.string().optional(),
});
export type DaemonLog = z.infer<typeof daemonLogSchema>;

/** `GET /v2/status` (upstream internal/manager/http.go), the parts the tests read */
export const v2StatusSchema = z.object({
  services: z.array(
    z.object({
      tunnel_name: z.string(),
      user_type: z.string(),
      doublezero_status: z.object({ session_status: z.string() }),
    }),
  ),
});

export const daemonRoutesSchema = z.array(
  z.object({
    network: z.string(),
    local_ip: z.ipv4(),
    peer_ip: z.ipv4(),
    kernel_state: z.enum(['present', 'absent']),
    liveness_state: z.string().optional(),
  }),
);
export type DaemonRoute = z.infer<typeof daemonRoutesSchema>[number];

export const ipLinkSchema = z.array(z.object({ ifname: z.string(), flags: z.array(z.string()), mtu: z.number() }));
export const ipAddrSchema = z.array(z.object({ ifname: z.string(), addr_info: z.array(z.object({ family: z.string(), local: z.string() })) }));
export const ipRouteSchema = z.array(
  z.object({ dst: z.string(), dev: z.string().optional(), protocol: z.string().optional(), prefsrc: z.string().optional() }),
);

/** The daemon's log records from `journalctl -o json` output (systemd's own lines are skipped). */
export function daemonLogs(journalJson: string): DaemonLog[] {
  return journalJson
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => journalEntrySchema.parse(JSON.parse(l)))
    .filter((e) => e.SYSLOG_IDENTIFIER === 'doublezerod')
    .map((e) => daemonLogSchema.parse(JSON.parse(e.MESSAGE)));
}

export function sendWarnings(logs: readonly DaemonLog[], localIp?: string): DaemonLog[] {
  return logs.filter(
    (l) => l.level === 'WARN' && l.msg === 'liveness.scheduler: error writing UDP packet' && (!localIp || (l.peer ?? '').includes(`localIP: ${localIp},`)),
  );
}
