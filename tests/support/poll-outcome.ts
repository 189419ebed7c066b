import type { Bundle } from '../../lib/bundle/types';
import type { PollOutcome } from '../../lib/ingest/store/poll';
import { journalReferenceYear } from '../../lib/model/normalize';
import { parseJournalDetailed } from '../../lib/parse/journal';

/** The successful poll pollNode would hand on for `bundle` as `node` at `at`: the bundle and its journal's parse. */
export function polledOutcome(bundle: Bundle, node: string, at: Date, pollMs = 5): Extract<PollOutcome, { ok: true }> {
  const b: Bundle = { meta: { node, collectedAt: at.toISOString() }, sections: bundle.sections };
  const text = b.sections.journal?.stdout ?? '';
  const referenceYear = journalReferenceYear(b.meta.collectedAt);
  const result = parseJournalDetailed(text, referenceYear);
  return { ok: true, node, at, pollMs, bundle: b, events: result.events, journal: { text, referenceYear, result } };
}
