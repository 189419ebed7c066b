import { after } from 'next/server';
import { toHttpError } from '@/lib/errors';
import { json } from '@/lib/http/json';
import type { Submitted } from '@/lib/remediation/store/api';

/**
 * The answer to a request or a decision: the batch as it stands. The commands, re-poll and outcome
 * continue after the response (the page follows the run by polling); a busy node makes it a 409 that
 * still carries the batch.
 */
export function submittedAnswer({ result, completion, conflict }: Submitted, status = 200): Response {
  after(() => completion);
  if (conflict) {
    const { status: conflictStatus, body } = toHttpError(conflict);
    return json({ ...body, ...result }, { status: conflictStatus });
  }
  return json(result, { status });
}
