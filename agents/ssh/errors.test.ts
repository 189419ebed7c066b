import { describe, expect, it } from 'vitest';
import { buildProbeCommand } from '../../lib/probe/script';
import { shellJoin } from '../../lib/probe/shell-quote';
import { SshError, summarizeCommand } from './errors';

describe('summarizeCommand', () => {
  it('keeps the first words and hides secrets', () => {
    expect(summarizeCommand(shellJoin(['systemctl', 'restart', 'doublezerod']))).toBe('systemctl restart doublezerod');
    expect(summarizeCommand('curl --password=hunter2 -H token=abc http://x/y z')).toBe('curl --password=*** -H token=*** …');
    expect(summarizeCommand(`echo ${'A'.repeat(40)}`)).toBe('echo ***');
  });

  it('names the probe instead of dumping its script', () => {
    expect(summarizeCommand(buildProbeCommand({ journalSince: 0 }))).toBe('probe (sh -c <script>)');
  });
});

describe('SshError', () => {
  it('serializes to the node_status.last_error shape with stderr cut', () => {
    const err = new SshError('exit-nonzero', 'boom', { host: 'h:22', command: 'ls', exitCode: 2, stderr: 'x'.repeat(10_000) });
    const json = err.toJSON();
    expect(json).toMatchObject({ kind: 'exit-nonzero', message: 'boom', host: 'h:22', command: 'ls', exitCode: 2 });
    expect(json.stderr).toHaveLength(4096);
  });
});
