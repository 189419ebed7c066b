import { describe, expect, it } from 'vitest';
import { sectionNames } from '../../lib/bundle/types';
import { sectionCommands } from '../../lib/probe/commands';
import { decodeProbeOutput } from '../../lib/probe/decode';
import { buildProbeCommand } from '../../lib/probe/script';
import { shellJoin } from '../../lib/probe/shell-quote';
import { runCommand } from './commands';
import { answerExec, serveLoopOf } from './exec';
import { decodeProbeReply } from '../../lib/probe/decode';
import { buildServeCommand, buildServeRequest, SERVE_BAD_REQUEST_EXIT, serveEndLine } from '../../lib/probe/serve';
import { testNode, TEST_NOW } from './testing';

describe('answerExec', () => {
  it('answers the probe script with one decodable line per section, each as the command alone answers it', () => {
    const { state } = testNode('dfw-mn-bm1');
    const journalSince = Math.floor(TEST_NOW / 1000) - 120;
    const r = answerExec(state, buildProbeCommand({ journalSince }), TEST_NOW);
    expect(r.exitCode).toBe(0);
    const sections = decodeProbeOutput(r.stdout);
    expect(Object.keys(sections).sort()).toEqual([...sectionNames].sort());
    const cmds = sectionCommands({ journalSince });
    for (const name of sectionNames) {
      const alone = runCommand(testNode('dfw-mn-bm1').state, cmds[name], TEST_NOW);
      expect(sections[name], name).toEqual({ stdout: alone.stdout, stderr: alone.stderr, exitCode: alone.exitCode, truncated: false });
    }
    expect(sections.hostname?.stdout).toBe('dfw-mn-bm1\n');
  });

  it('runs the probe loop: each request answered as the one-shot probe answers it, hashes honoured', () => {
    const { state } = testNode('dfw-mn-bm1');
    const journalSince = Math.floor(TEST_NOW / 1000) - 120;
    const loop = serveLoopOf(buildServeCommand());
    expect(loop).toBeDefined();
    const first = loop!.answer(state, buildServeRequest(5, journalSince).trimEnd(), TEST_NOW);
    if (!('reply' in first)) throw new Error('no reply');
    expect(first.reply.endsWith(serveEndLine(5))).toBe(true);
    const reply = decodeProbeReply(first.reply.slice(0, -serveEndLine(5).length));
    const oneShot = decodeProbeOutput(answerExec(state, buildProbeCommand({ journalSince }), TEST_NOW).stdout);
    for (const name of sectionNames) expect(reply.sections[name]?.section, name).toEqual(oneShot[name]);

    const known = { 'ip-route': reply.sections['ip-route']!.sha256, metrics: 'f'.repeat(64) };
    const second = loop!.answer(state, buildServeRequest(6, journalSince, known).trimEnd(), TEST_NOW);
    if (!('reply' in second)) throw new Error('no reply');
    const again = decodeProbeReply(second.reply.slice(0, -serveEndLine(6).length));
    expect(Object.keys(again.unchanged)).toEqual(['ip-route']);
    expect(again.sections.metrics?.section).toEqual(oneShot.metrics);
    expect(loop!.answer(state, '7 x', TEST_NOW)).toEqual({ exitCode: SERVE_BAD_REQUEST_EXIT });
  });

  it('answers a subset of sections and keeps a missing optional program as its own section error', () => {
    const { state } = testNode('lax-mn-bm1');
    const sections = decodeProbeOutput(answerExec(state, buildProbeCommand({ journalSince: 0 }, ['nft', 'metrics']), TEST_NOW).stdout);
    expect(Object.keys(sections).sort()).toEqual(['metrics', 'nft']);
    expect(sections.nft).toMatchObject({ exitCode: 1, stderr: 'sudo: nft: command not found\n' });
  });

  it('answers single commands sent directly, quoted as the agent quotes them', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(answerExec(state, 'hostname', TEST_NOW)).toEqual({ stdout: 'dfw-mn-bm1\n', stderr: '', exitCode: 0 });
    expect(answerExec(state, shellJoin(['ip', '-j', 'addr', 'show']), TEST_NOW).stdout).toContain('"ifname":"doublezero0"');
    expect(answerExec(state, "sh -c 'hostname'", TEST_NOW).stdout).toBe('dfw-mn-bm1\n');
  });

  it('never evaluates shell: metacharacters are just part of an unknown command', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(answerExec(state, 'hostname; sudo -n systemctl restart doublezerod', TEST_NOW)).toEqual({
      stdout: '',
      stderr: 'bash: line 1: hostname;: command not found\n',
      exitCode: 127,
    });
    expect(answerExec(state, '$(reboot)', TEST_NOW).exitCode).toBe(127);
    expect(answerExec(state, "echo 'unterminated", TEST_NOW).exitCode).toBe(2);
    expect(state.daemon.pid).toBe(testNode('dfw-mn-bm1').state.daemon.pid);
  });

  it('is "command not found" (127) for programs the node does not have', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runCommand(state, ['strace', '-p', '1'], TEST_NOW)).toEqual({ stdout: '', stderr: 'bash: line 1: strace: command not found\n', exitCode: 127 });
  });

  it('lets sudo run only the allowlisted programs, without a password', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runCommand(state, ['sudo', '-n', 'reboot'], TEST_NOW)).toEqual({ stdout: '', stderr: 'sudo: a password is required\n', exitCode: 1 });
    expect(runCommand(state, ['nft', '-j', 'list', 'ruleset'], TEST_NOW).exitCode).toBe(1);
    expect(runCommand(state, ['systemctl', 'restart', 'doublezerod'], TEST_NOW).exitCode).toBe(1);
    expect(runCommand(state, ['sudo', '-n', 'nft', '-j', 'list', 'ruleset'], TEST_NOW).exitCode).toBe(0);
  });
});
