import { z } from 'zod';
import { parseIp, type Family } from '../route/ip';
import type { Parsed } from './issues';
import { parseJsonRecords } from './json-records';

/** One address of one interface from `ip -j addr show`, flattened. */
export interface Address {
  ifname: string;
  ifindex: number;
  family: Family;
  local: string;
  prefixlen: number;
  scope?: string;
  label?: string;
  /** duplicate address detection still running or failed: the address is not usable yet */
  tentative: boolean;
  dadfailed: boolean;
  raw: Record<string, unknown>;
}

const addrInfoSchema = z.looseObject({
  family: z.string(),
  local: z.string(),
  prefixlen: z.number().int().min(0).max(128),
  scope: z.string().optional(),
  label: z.string().optional(),
  tentative: z.boolean().optional(),
  dadfailed: z.boolean().optional(),
});

const interfaceSchema = z.looseObject({
  ifindex: z.number().int().nonnegative(),
  ifname: z.string().min(1).max(64),
  // elements are checked one by one below so one odd address does not hide the others
  addr_info: z.array(z.unknown()).default([]),
});

export function parseIpAddr(text: string): Parsed<Address> {
  const { items, issues } = parseJsonRecords(text, interfaceSchema, 'ip addr');
  const addresses: Address[] = [];
  for (const iface of items) {
    iface.addr_info.forEach((element, index) => {
      const info = addrInfoSchema.safeParse(element);
      const ip = info.success ? parseIp(info.data.local) : undefined;
      if (!info.success || !ip || (info.data.family !== 'inet' && info.data.family !== 'inet6') || ip.family !== info.data.family) {
        issues.push({ message: `ip addr: ${iface.ifname} address ${index} is not a valid address record` });
        return;
      }
      const address: Address = {
        ifname: iface.ifname,
        ifindex: iface.ifindex,
        family: ip.family,
        local: info.data.local,
        prefixlen: info.data.prefixlen,
        tentative: info.data.tentative === true,
        dadfailed: info.data.dadfailed === true,
        raw: info.data,
      };
      if (info.data.scope !== undefined) address.scope = info.data.scope;
      if (info.data.label !== undefined) address.label = info.data.label;
      addresses.push(address);
    });
  }
  return { items: addresses, issues };
}
