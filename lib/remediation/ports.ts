// What remediation needs from the rest of the system, as small interfaces so the flow and its tests do
// not depend on the SSH pool's or poller's internals. agents/ adapts its own types to these.

export interface RunOptions {
  timeoutMs: number;
  /** stdout and stderr are each cut at this many bytes */
  maxBytes: number;
}

export interface RemoteRunResult {
  /** null when the command was killed (timeout) or the connection dropped */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
}

/** Runs one argv on a node over its pinned SSH connection (the words are shell-quoted by the executor). */
export interface RemoteExecutor {
  run(node: string, argv: readonly string[], opts: RunOptions): Promise<RemoteRunResult>;
}

export interface PeerVerdict {
  peer: string;
  verdict: string;
}

export interface NodeEvidence {
  /** ISO time of the snapshot the verdicts come from; null when the node has never been polled */
  collectedAt: string | null;
  verdicts: PeerVerdict[];
}

/** Current diagnosis of a node, and a way to force a fresh poll after a remediation. */
export interface NodeHealth {
  /**
   * The node's diagnosis from its latest stored poll. With `since`, only log lines written after that
   * time count (the evidence after an action must not be the warnings from before it).
   */
  evidence(node: string, opts?: { since?: Date }): Promise<NodeEvidence>;
  /** resolves once a new poll of the node has been stored and diagnosed */
  pollNow(node: string): Promise<void>;
  /** whether the node is in the inventory */
  exists(node: string): Promise<boolean>;
}

/**
 * Where a node's remediation runs, for a process that runs none itself (a dashboard without an agent):
 * on the agent holding the node's lease. Preview and verification still use RemoteExecutor and
 * NodeHealth as they are; only the place the commands run changes.
 */
export interface NodePlacement {
  /** null when an agent can take the node's work now; otherwise why not, in words for the operator */
  refusal(node: string): Promise<string | null>;
}
