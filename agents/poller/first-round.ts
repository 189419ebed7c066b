// The moment an agent has stored a first poll of every node it polls (answered or failed): what an operator
// waits for after a start, and what `npm run bench:read` measures without reading the whole fleet every
// half second while the agent works (those reads were a third of the server's CPU during the first poll).

export class FirstRound {
  private readonly waiting: Set<string>;
  private answered = 0;
  private failed = 0;

  constructor(
    nodes: readonly string[],
    private readonly startedMs: number,
  ) {
    this.waiting = new Set(nodes);
  }

  /** Counts a stored poll; the first time no node is left waiting, returns the line to log (once). */
  stored(node: string, ok: boolean, nowMs: number): string | undefined {
    if (!this.waiting.delete(node)) return undefined;
    if (ok) this.answered++;
    else this.failed++;
    if (this.waiting.size > 0) return undefined;
    const total = this.answered + this.failed;
    return `agent: first poll of all ${total} nodes stored after ${((nowMs - this.startedMs) / 1000).toFixed(1)} s (${this.answered} answered, ${this.failed} failed)`;
  }
}
