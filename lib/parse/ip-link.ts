import { z } from 'zod';
import type { Parsed } from './issues';
import { parseJsonRecords } from './json-records';

/** One interface from `ip -j -d link show`. */
export interface Link {
  ifindex: number;
  ifname: string;
  flags: string[];
  /** administratively up (the UP flag) */
  up: boolean;
  /** carrier present (the LOWER_UP flag) */
  lowerUp: boolean;
  /** kernel operstate: UP, DOWN, UNKNOWN (tunnels, loopback), LOWERLAYERDOWN, ... */
  operstate: string;
  mtu?: number;
  /** `linkinfo.info_kind` with `-d`: gre, veth, dummy, wireguard, ...; absent for plain devices */
  kind?: string;
  linkType?: string;
  /** every field as printed, known or not */
  raw: Record<string, unknown>;
}

const linkRecordSchema = z.looseObject({
  ifindex: z.number().int().nonnegative(),
  ifname: z.string().min(1).max(64),
  flags: z.array(z.string()).default([]),
  mtu: z.number().int().nonnegative().optional(),
  operstate: z.string().optional(),
  link_type: z.string().optional(),
  linkinfo: z.looseObject({ info_kind: z.string().optional() }).optional(),
});

export function parseIpLink(text: string): Parsed<Link> {
  const { items, issues } = parseJsonRecords(text, linkRecordSchema, 'ip link');
  return {
    items: items.map((record) => {
      const link: Link = {
        ifindex: record.ifindex,
        ifname: record.ifname,
        flags: record.flags,
        up: record.flags.includes('UP'),
        lowerUp: record.flags.includes('LOWER_UP'),
        operstate: record.operstate ?? 'UNKNOWN',
        raw: record,
      };
      if (record.mtu !== undefined) link.mtu = record.mtu;
      if (record.linkinfo?.info_kind !== undefined) link.kind = record.linkinfo.info_kind;
      if (record.link_type !== undefined) link.linkType = record.link_type;
      return link;
    }),
    issues,
  };
}
