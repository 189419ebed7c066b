import { z } from 'zod';

// Typed action parameters. Every value is checked against a strict ASCII grammar before it can become
// an argv word, so shell metacharacters, whitespace, newlines, unicode lookalikes (e.g. a Cyrillic "о"
// in "dоublezero0" or a fullwidth digit) and overlong input are all refused here, long before quoting.

const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const ipv4Pattern = new RegExp(`^${octet}(\\.${octet}){3}$`);

export const ipv4Schema = z.string().max(15).regex(ipv4Pattern, 'an IPv4 address in dotted-quad form, e.g. 203.0.113.7');

export const ipv4CidrSchema = z
  .string()
  .max(18)
  .refine((s) => {
    const [addr, len, ...rest] = s.split('/');
    return rest.length === 0 && addr !== undefined && len !== undefined && ipv4Pattern.test(addr) && /^(3[0-2]|[12]?[0-9])$/.test(len);
  }, 'an IPv4 prefix in CIDR form, e.g. 203.0.113.7/32');

/**
 * Interfaces this tool may touch: the doublezero tunnels only (doublezero0 unicast, doublezero1 multicast).
 * Narrower than a Linux ifname on purpose: the sudoers rule can then allow exactly these names.
 */
export const dzInterfaceSchema = z
  .string()
  .max(15)
  .regex(/^doublezero[0-9]$/, 'a doublezero interface, e.g. doublezero0');

/** Any Linux interface name (IFNAMSIZ 16 incl. NUL; no slash, no whitespace, not "." or ".."). */
export const linuxIfnameSchema = z
  .string()
  .max(15)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/, 'an interface name: letters, digits, _ . - (max 15)')
  .refine((s) => s !== '.' && s !== '..', 'not an interface name');

export type ParamValue = string | number | boolean;
