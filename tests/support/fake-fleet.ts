import { connectionStatusArgv } from '../../lib/remediation/connection-mode';
import type { NodeEvidence, NodeHealth, RemoteExecutor, RemoteRunResult, RunOptions } from '../../lib/remediation/ports';
import type { RemediationRuntime } from '../../lib/remediation/store/runtime';

// A stand-in for the SSH pool and poller in service integration tests: nodes with per-peer verdicts,
// a restart that clears stale sessions at the next poll (as the simulated fleet does), a log of every
// argv that "ran", gates to hold a command mid-flight (to test concurrency and crashes), and the body each
// node's daemon answers to the status read (none: curl exit 7, as when nothing listens on the socket).
export class FakeFleet implements RemoteExecutor, NodeHealth {
  readonly ran: { node: string; argv: string[] }[] = [];
  private readonly nodes = new Map<string, { verdicts: { peer: string; verdict: string }[]; polls: number; restarted: boolean; daemonStatus?: string }>();
  private readonly gates = new Map<string, { opened: Promise<void>; open: () => void; entered: Promise<void>; enter: () => void }>();
  exitCodeFor: (node: string, argv: readonly string[]) => number = () => 0;
  /** when false, a restart runs but the node keeps its stale sessions (the "not verified" case) */
  restartClears = true;

  addNode(name: string, verdicts: { peer: string; verdict: string }[], opts: { daemonStatus?: string } = {}): void {
    this.nodes.set(name, { verdicts, polls: 1, restarted: false, daemonStatus: opts.daemonStatus });
  }

  /** What the node's daemon answers on GET /status from now on (undefined: nothing listens). */
  setDaemonStatus(name: string, body: string | undefined): void {
    const state = this.nodes.get(name);
    if (state) state.daemonStatus = body;
  }

  /** The next command on `node` waits until release(node); await entered(node) to know it is waiting. */
  hold(node: string): void {
    let open!: () => void;
    let enter!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    const entered = new Promise<void>((r) => (enter = r));
    this.gates.set(node, { opened, open, entered, enter });
  }
  entered(node: string): Promise<void> {
    return this.gates.get(node)!.entered;
  }
  release(node: string): void {
    this.gates.get(node)?.open();
    this.gates.delete(node);
  }

  async run(node: string, argv: readonly string[], _opts: RunOptions): Promise<RemoteRunResult> {
    const gate = this.gates.get(node);
    if (gate) {
      gate.enter();
      await gate.opened;
    }
    this.ran.push({ node, argv: [...argv] });
    const state = this.nodes.get(node);
    if (!state) throw new Error(`ssh: ${node} unreachable`);
    if (argv.join(' ') === connectionStatusArgv.join(' ')) {
      return { exitCode: state.daemonStatus === undefined ? 7 : 0, stdout: state.daemonStatus ?? '', stderr: '', truncated: false, timedOut: false };
    }
    const exitCode = this.exitCodeFor(node, argv);
    if (exitCode === 0 && argv.join(' ') === 'sudo -n systemctl restart doublezerod') state.restarted = true;
    return { exitCode, stdout: exitCode === 0 ? '' : '', stderr: exitCode === 0 ? '' : 'sudo: a password is required', truncated: false, timedOut: false };
  }

  async evidence(node: string): Promise<NodeEvidence> {
    const state = this.nodes.get(node);
    if (!state) throw new Error(`no such node ${node}`);
    return { collectedAt: new Date(Date.UTC(2026, 10, 26, 5, 0, state.polls)).toISOString(), verdicts: state.verdicts };
  }

  async pollNow(node: string): Promise<void> {
    const state = this.nodes.get(node);
    if (!state) throw new Error(`no such node ${node}`);
    state.polls++;
    if (state.restarted && this.restartClears) state.verdicts = state.verdicts.map((v) => (v.verdict === 'stale-session' ? { ...v, verdict: 'healthy' } : v));
    state.restarted = false;
  }

  async exists(node: string): Promise<boolean> {
    return this.nodes.has(node);
  }

  runtime(): RemediationRuntime {
    return { executor: this, health: this, sleep: async () => undefined };
  }
}
