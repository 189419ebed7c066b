import { describe, expect, it } from 'vitest';
import { FlagError, parseDaemonFlags, splitHostPort } from './flags';

describe('doublezerod flags (Go flag package, cmd/doublezerod/main.go)', () => {
  it('reads the unit’s ExecStart and the lab’s additions, in any of Go’s spellings', () => {
    const f = parseDaemonFlags([
      '-sock-file',
      '/run/doublezerod/doublezerod.sock',
      '-env',
      'testnet',
      '--route-liveness-enable-passive',
      '-metrics-enable',
      '-metrics-addr=localhost:0',
    ]);
    expect(f).toEqual({
      version: false,
      sockFile: '/run/doublezerod/doublezerod.sock',
      env: 'testnet',
      metricsEnable: true,
      metricsAddr: 'localhost:0',
      livenessPassive: true,
      livenessActive: false,
    });
  });

  it('defaults as upstream: metrics off on localhost:0, the socket under /var/run, liveness mode left to the version', () => {
    expect(parseDaemonFlags([])).toMatchObject({
      metricsEnable: false,
      metricsAddr: 'localhost:0',
      sockFile: '/var/run/doublezerod/doublezerod.sock',
      livenessPassive: null,
    });
    expect(parseDaemonFlags(['-version']).version).toBe(true);
    expect(parseDaemonFlags(['-route-liveness-enable-passive=false']).livenessPassive).toBe(false);
  });

  it('refuses what flag.Parse refuses', () => {
    expect(() => parseDaemonFlags(['-nope'])).toThrow(new FlagError('flag provided but not defined: -nope'));
    expect(() => parseDaemonFlags(['-env'])).toThrow(/flag needs an argument: -env/);
    expect(() => parseDaemonFlags(['-metrics-enable=maybe'])).toThrow(/invalid boolean value/);
  });

  it('splits a listen address like net.Listen', () => {
    expect(splitHostPort('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(splitHostPort(':2113')).toEqual({ host: '', port: 2113 });
    expect(splitHostPort('[::1]:2113')).toEqual({ host: '::1', port: 2113 });
    expect(() => splitHostPort('localhost')).toThrow(/missing port/);
  });
});
