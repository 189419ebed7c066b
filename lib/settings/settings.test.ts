import { describe, expect, it } from 'vitest';
import { documentedDefault, parseAgentId, parseLeaseMode, readSetting, readSettings, settingNames, SettingsError } from './settings';

describe('readSettings', () => {
  it('gives every default for an empty environment, and treats an empty variable as unset', () => {
    const s = readSettings({ FNH_POLL_CONCURRENCY: '', FNH_LEASES: '' });
    expect(s.FNH_POLL_CONCURRENCY).toBe(32);
    expect(s.FNH_POLL_INTERVAL_MS).toBe(5000);
    expect(s.FNH_LEASES).toBe('auto');
    expect(s.FNH_AGENT).toBe(true);
    expect(s.FNH_AGENT_THREAD).toBe(false);
    expect(s.FNH_ALERTMANAGER_OPEN).toBe(false);
    expect(s.FNH_INVENTORY).toBeUndefined();
    expect(s.FNH_RETAIN_HISTORY).toBe(30 * 24 * 3600_000);
    expect(Object.keys(s).sort()).toEqual([...settingNames].sort());
  });

  it('reads only the settings it is asked for', () => {
    expect(readSettings({ FNH_POLL_CONCURRENCY: 'x', FNH_LEASE_MS: '900' }, ['FNH_LEASE_MS'])).toEqual({ FNH_LEASE_MS: 900 });
  });

  it('names every bad variable and its value in one error', () => {
    const read = () => readSettings({ FNH_POLL_CONCURRENCY: '0', FNH_LEASES: 'yes', FNH_RETAIN_RAW: 'soon', FNH_AGENT_ID: 'two words' });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(
      'FNH_POLL_CONCURRENCY must be a positive integer (got "0"); FNH_LEASES must be one of auto, on, off (got "yes"); ' +
        'FNH_AGENT_ID must be 1-128 printable ASCII characters without spaces (got "two words"); ' +
        'FNH_RETAIN_RAW is not a duration: use a number with m, h, d or w (e.g. 3d), or "forever" (got "soon")',
    );
  });

  it('names the label it is given instead of the variable', () => {
    expect(() => readSettings({ FNH_POLL_TIMEOUT_MS: '1.5' }, ['FNH_POLL_TIMEOUT_MS'], { FNH_POLL_TIMEOUT_MS: '--timeout' })).toThrow(
      '--timeout must be a positive integer (got "1.5")',
    );
  });

  it('turns FNH_AGENT and FNH_ALERTMANAGER_OPEN into switches as the dashboard reads them', () => {
    expect(readSetting('FNH_AGENT', 'off')).toBe(false);
    expect(readSetting('FNH_AGENT', '1')).toBe(true);
    expect(readSetting('FNH_ALERTMANAGER_OPEN', '1')).toBe(true);
    expect(readSetting('FNH_ALERTMANAGER_OPEN', 'yes')).toBe(false);
  });

  it('runs the embedded agent in a worker thread only when FNH_AGENT_THREAD is on, and refuses other words', () => {
    expect(readSetting('FNH_AGENT_THREAD', undefined)).toBe(false);
    expect(readSetting('FNH_AGENT_THREAD', 'off')).toBe(false);
    expect(readSetting('FNH_AGENT_THREAD', ' on ')).toBe(true);
    expect(() => readSetting('FNH_AGENT_THREAD', 'yes')).toThrow('FNH_AGENT_THREAD must be on or off (got "yes")');
  });

  it('falls back to the default series cap for a cap out of range, rather than stopping /metrics', () => {
    expect(readSetting('FNH_METRICS_MAX_PEER_SERIES', '200')).toBe(200);
    expect(readSetting('FNH_METRICS_MAX_PEER_SERIES', '0')).toBe(5000);
    expect(readSetting('FNH_METRICS_MAX_PEER_SERIES', 'lots')).toBe(5000);
    expect(readSetting('FNH_METRICS_MAX_PEER_SERIES', undefined)).toBe(5000);
  });

  it('reads a retention kind as a duration or forever', () => {
    expect(readSetting('FNH_RETAIN_ALERTS', '12h')).toBe(12 * 3600_000);
    expect(readSetting('FNH_RETAIN_ALERTS', 'forever')).toBeNull();
  });
});

describe('lease mode and agent id', () => {
  it('reads the lease mode trimmed, auto when unset', () => {
    expect(parseLeaseMode(' on ')).toBe('on');
    expect(parseLeaseMode('  ')).toBe('auto');
    expect(() => parseLeaseMode('yes')).toThrow('lease mode must be one of auto, on, off (got "yes")');
  });

  it('reads an agent id or none', () => {
    expect(parseAgentId('poller-1')).toBe('poller-1');
    expect(parseAgentId('')).toBeUndefined();
    expect(() => parseAgentId('a b')).toThrow('agent id must be 1-128 printable ASCII characters without spaces (got "a b")');
  });
});

describe('documentedDefault', () => {
  it('states the default as the docs do', () => {
    expect(documentedDefault('FNH_POLL_CONCURRENCY')).toBe('32');
    expect(documentedDefault('FNH_MAX_POLL_OUTPUT_MB')).toBe('320');
    expect(documentedDefault('FNH_OUTPUT_BUDGET_MB')).toBe('512');
    expect(documentedDefault('FNH_AGENT')).toBe('on');
    expect(documentedDefault('FNH_ALERTMANAGER_OPEN')).toBe('off');
    expect(documentedDefault('FNH_AGENT_THREAD')).toBe('off');
    expect(documentedDefault('FNH_RETAIN_EVENTS')).toBe('events 3d');
    expect(documentedDefault('FNH_AGENT_ID')).toBe('host:pid:random');
    expect(documentedDefault('FNH_DATA_DIR')).toBe('.data/pglite');
    expect(documentedDefault('FNH_OIDC_CLIENT_ID')).toBeUndefined();
  });
});
