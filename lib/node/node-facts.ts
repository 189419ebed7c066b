import { z } from 'zod';
import { linkStateSchema } from '../fleet/fleet';

// The few facts about a node the fleet grid shows, taken from its latest state (summarizeState) and stored
// with each poll's diagnosis (node_summary.facts), so the grid reads no bundles.
export const nodeFactsSchema = z.object({
  link: linkStateSchema,
  /** `systemctl is-active doublezerod` output, null when the section was not collected */
  daemonActive: z.string().nullable(),
  /** addresses (CIDR) on doublezero0 */
  dz0Addresses: z.array(z.string()),
  /** routes in any table whose device is doublezero0 */
  dz0Routes: z.number().int().nonnegative(),
});
export type NodeFacts = z.infer<typeof nodeFactsSchema>;
