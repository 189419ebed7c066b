import type { LinkState } from './fleet';

// The few facts about a node the fleet grid shows, taken from its latest bundle (see summarize-bundle.ts).
export interface NodeFacts {
  link: LinkState;
  /** `systemctl is-active doublezerod` output, null when the section was not collected */
  daemonActive: string | null;
  /** addresses (CIDR) on doublezero0 */
  dz0Addresses: string[];
  /** routes in any table whose device is doublezero0 */
  dz0Routes: number;
}
