import { describe, expect, it } from 'vitest';
import { readAgentSettings } from './agent-settings';

const MiB = 1024 * 1024;

describe('readAgentSettings', () => {
  it('gives the same defaults to the embedded agent and npm run agent', () => {
    expect(readAgentSettings({})).toEqual({
      inventory: undefined,
      poller: { intervalMs: 5000, concurrency: 32, pollTimeoutMs: 20000, maxOutputBytes: 320 * MiB },
      byteBudget: 512 * MiB,
      leaseMode: 'auto',
      leaseMs: 15000,
      agentId: undefined,
      nice: 10,
    });
  });

  it('reads the environment', () => {
    const s = readAgentSettings({
      FNH_INVENTORY: 'fleet.yaml',
      FNH_POLL_INTERVAL_MS: '1000',
      FNH_POLL_CONCURRENCY: '4',
      FNH_POLL_TIMEOUT_MS: '3000',
      FNH_MAX_POLL_OUTPUT_MB: '8',
      FNH_OUTPUT_BUDGET_MB: '64',
      FNH_LEASES: 'on',
      FNH_LEASE_MS: '900',
      FNH_AGENT_ID: 'poller-1',
      FNH_AGENT_NICE: '0',
    });
    expect(s).toEqual({
      inventory: 'fleet.yaml',
      poller: { intervalMs: 1000, concurrency: 4, pollTimeoutMs: 3000, maxOutputBytes: 8 * MiB },
      byteBudget: 64 * MiB,
      leaseMode: 'on',
      leaseMs: 900,
      agentId: 'poller-1',
      nice: 0,
    });
  });

  it('lets a flag win over its variable', () => {
    const s = readAgentSettings(
      { FNH_INVENTORY: 'a.yaml', FNH_POLL_CONCURRENCY: '4', FNH_LEASES: 'on' },
      { inventory: 'b.yaml', concurrency: '8', leases: undefined },
    );
    expect(s.inventory).toBe('b.yaml');
    expect(s.poller.concurrency).toBe(8);
    expect(s.leaseMode).toBe('on');
  });

  it('names the flag when the bad value came from it, else the variable', () => {
    expect(() => readAgentSettings({}, { interval: 'soon' })).toThrow('--interval must be a positive integer (got "soon")');
    expect(() => readAgentSettings({ FNH_POLL_INTERVAL_MS: 'soon' })).toThrow('FNH_POLL_INTERVAL_MS must be a positive integer (got "soon")');
    expect(() => readAgentSettings({}, { 'lease-ms': '-1', leases: 'maybe' })).toThrow(
      '--leases must be one of auto, on, off (got "maybe"); --lease-ms must be a positive integer (got "-1")',
    );
  });

  it('takes a nice value from 0 to 19 only', () => {
    expect(readAgentSettings({ FNH_AGENT_NICE: '19' }).nice).toBe(19);
    expect(readAgentSettings({ FNH_AGENT_NICE: '19' }, { nice: '5' }).nice).toBe(5);
    expect(() => readAgentSettings({}, { nice: '20' })).toThrow('--nice must be an integer from 0 (normal priority) to 19 (lowest) (got "20")');
    expect(() => readAgentSettings({ FNH_AGENT_NICE: '-5' })).toThrow('FNH_AGENT_NICE must be an integer from 0');
  });

  it("reads no setting that is not the agent's", () => {
    expect(() => readAgentSettings({ FNH_RETAIN_RAW: 'soon', FNH_REMEDIATION_RATE_PER_MIN: 'x' })).not.toThrow();
  });
});
