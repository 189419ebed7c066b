import { z } from 'zod';
import type { KnownIssueMatch } from './match';

// The shape of a known-issue match where it crosses a boundary (stored diagnosis → node API → browser).
export const knownIssueMatchSchema = z.object({
  id: z.string(),
  title: z.string(),
  match: z.enum(['affected', 'version-unknown']),
  nodeVersion: z.string().nullable(),
  affects: z.string(),
  fixedIn: z.string(),
  condition: z.string().nullable(),
  explains: z.array(z.string()),
  // rendered as links: https only
  upstream: z.object({ issue: z.url({ protocol: /^https$/ }), fix: z.url({ protocol: /^https$/ }) }),
  durableFix: z.string(),
  immediate: z.object({ action: z.string(), title: z.string(), why: z.string() }),
}) satisfies z.ZodType<KnownIssueMatch>;
