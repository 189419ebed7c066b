import { MiB, readSettings, type EnvRecord, type LeaseMode, type SettingName } from './settings';

// What an agent runs with, read once from the settings schema: the embedded agent from the environment,
// `npm run agent` from the environment with its CLI flags on top (a flag wins over its variable, and an
// error names the flag when the value came from it).

/** `npm run agent` flags and the variable each one overrides. */
export const agentFlags = {
  inventory: 'FNH_INVENTORY',
  interval: 'FNH_POLL_INTERVAL_MS',
  concurrency: 'FNH_POLL_CONCURRENCY',
  timeout: 'FNH_POLL_TIMEOUT_MS',
  'max-poll-mb': 'FNH_MAX_POLL_OUTPUT_MB',
  'output-budget-mb': 'FNH_OUTPUT_BUDGET_MB',
  leases: 'FNH_LEASES',
  'lease-ms': 'FNH_LEASE_MS',
  'agent-id': 'FNH_AGENT_ID',
  nice: 'FNH_AGENT_NICE',
} as const satisfies Record<string, SettingName>;
export type AgentFlag = keyof typeof agentFlags;
export type AgentFlagValues = Partial<Record<AgentFlag, string | undefined>>;

const agentSettingNames = Object.values(agentFlags);

export interface AgentSettings {
  /** the inventory to poll; undefined: no polling */
  inventory: string | undefined;
  poller: { intervalMs: number; concurrency: number; pollTimeoutMs: number; maxOutputBytes: number };
  /** reply bytes all polls in flight may hold together */
  byteBudget: number;
  leaseMode: LeaseMode;
  leaseMs: number;
  /** undefined: the lease keeper makes one (host:pid:random) */
  agentId: string | undefined;
  /** the CPU priority `npm run agent` lowers itself to (the embedded agent yields to pages in-process instead) */
  nice: number;
}

export function readAgentSettings(env: EnvRecord, flags: AgentFlagValues = {}): AgentSettings {
  const merged: Record<string, string | undefined> = { ...env };
  const labels: Partial<Record<SettingName, string>> = {};
  for (const [flag, name] of Object.entries(agentFlags) as Array<[AgentFlag, SettingName]>) {
    const value = flags[flag];
    if (value === undefined) continue;
    merged[name] = value;
    labels[name] = `--${flag}`;
  }
  const s = readSettings(merged, agentSettingNames, labels);
  return {
    inventory: s.FNH_INVENTORY,
    poller: {
      intervalMs: s.FNH_POLL_INTERVAL_MS,
      concurrency: s.FNH_POLL_CONCURRENCY,
      pollTimeoutMs: s.FNH_POLL_TIMEOUT_MS,
      maxOutputBytes: s.FNH_MAX_POLL_OUTPUT_MB * MiB,
    },
    byteBudget: s.FNH_OUTPUT_BUDGET_MB * MiB,
    leaseMode: s.FNH_LEASES,
    leaseMs: s.FNH_LEASE_MS,
    agentId: s.FNH_AGENT_ID,
    nice: s.FNH_AGENT_NICE,
  };
}
