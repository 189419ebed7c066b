import { z } from 'zod';
import { fleetRowSchema } from './fleet';

const isoSchema = z.string().datetime({ offset: true });

export const interfaceRowSchema = z.object({
  ifname: z.string(),
  kind: z.string().nullable(),
  operstate: z.string().nullable(),
  flags: z.array(z.string()),
  mtu: z.number().nullable(),
  linkAddress: z.string().nullable(),
});
export type InterfaceRow = z.infer<typeof interfaceRowSchema>;

export const addressRowSchema = z.object({
  ifname: z.string(),
  family: z.string(),
  cidr: z.string(),
  scope: z.string().nullable(),
});
export type AddressRow = z.infer<typeof addressRowSchema>;

export const routeRowSchema = z.object({
  table: z.string(),
  type: z.string().nullable(),
  dst: z.string(),
  gateway: z.string().nullable(),
  dev: z.string().nullable(),
  protocol: z.string().nullable(),
  scope: z.string().nullable(),
  prefsrc: z.string().nullable(),
  metric: z.number().nullable(),
});
export type RouteRow = z.infer<typeof routeRowSchema>;

export const livenessEventRowSchema = z.object({
  at: isoSchema,
  level: z.string(),
  msg: z.string(),
  interface: z.string().nullable(),
  localIp: z.string().nullable(),
  peerIp: z.string().nullable(),
  error: z.string().nullable(),
});
export type LivenessEventRow = z.infer<typeof livenessEventRowSchema>;

export const sectionInfoSchema = z.object({
  name: z.string(),
  exitCode: z.number().nullable(),
  truncated: z.boolean(),
  stderr: z.string(),
});

export const nodeDetailSchema = z.object({
  summary: fleetRowSchema,
  host: z.string(),
  port: z.number(),
  user: z.string(),
  interfaces: z.array(interfaceRowSchema),
  addresses: z.array(addressRowSchema),
  routes: z.array(routeRowSchema),
  events: z.array(livenessEventRowSchema),
  sections: z.array(sectionInfoSchema),
  /** problems the parsers met in this node's output, shown so nothing is silently dropped */
  parseIssues: z.array(z.string()),
});
export type NodeDetail = z.infer<typeof nodeDetailSchema>;

/** Node names as the inventory allows them; anything else is a 400 before any query. */
export { nodeNameSchema } from '@/lib/inventory/schema';
