import 'server-only';
import { fleetSourceSchema, type FleetSource } from '@/lib/fleet/fleet';

// Which fleet the server is showing: the demo sets FNH_FLEET_SOURCE=simulated so every page can say so.
export function getFleetSource(env: NodeJS.ProcessEnv = process.env): FleetSource {
  const parsed = fleetSourceSchema.safeParse(env.FNH_FLEET_SOURCE);
  return parsed.success ? parsed.data : 'inventory';
}
