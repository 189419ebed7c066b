import { z } from 'zod';
import { highestRole, roleSchema, type Role } from './roles';

// OpenID Connect: which role a signed-in user gets, from one claim of the ID token / userinfo.
// The claim may be a string or an array of strings (groups); each value maps to a role through a
// configured table. No mapping means no access: an IdP user outside the NOC groups cannot sign in.
export interface OidcRoleMapping {
  claim: string;
  /** claim value -> role, e.g. { "noc-admins": "admin", "noc": "operator" } */
  values: Readonly<Record<string, Role>>;
}

/** Parses FNH_OIDC_ROLE_MAP, e.g. `noc-admins=admin,noc-leads=approver,noc=operator,everyone=viewer`. */
export function parseRoleMap(text: string): Record<string, Role> {
  const out: Record<string, Role> = {};
  for (const pair of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw new Error(`role map entry "${pair}" is not value=role`);
    const value = pair.slice(0, eq).trim();
    const role = roleSchema.safeParse(pair.slice(eq + 1).trim());
    if (!role.success) throw new Error(`role map entry "${pair}": unknown role`);
    out[value] = role.data;
  }
  return out;
}

const claimValues = z.union([z.string(), z.array(z.unknown())]);

export function roleFromClaims(claims: Readonly<Record<string, unknown>>, mapping: OidcRoleMapping): Role | undefined {
  const raw = claimValues.safeParse(claims[mapping.claim]);
  if (!raw.success) return undefined;
  const values = (typeof raw.data === 'string' ? [raw.data] : raw.data).filter((v): v is string => typeof v === 'string');
  const mapped = values.flatMap((v) => (Object.hasOwn(mapping.values, v) ? [mapping.values[v]!] : []));
  return highestRole(mapped);
}
