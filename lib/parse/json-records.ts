import type { z } from 'zod';
import { clip, type Parsed, type ParseIssue } from './issues';
import { errorMessage } from '../errors';

/** JSON.parse that reports instead of throwing. */
export function parseJsonText(text: string, what: string): { value?: unknown; issue?: ParseIssue } {
  if (text.trim() === '') return { issue: { message: `${what}: empty output` } };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { issue: { message: `${what}: invalid JSON (${clip(errorMessage(err))})` } };
  }
}

/**
 * Reads a JSON array of records (what `ip -j` prints), validating each element on its own so one odd
 * record costs that record only.
 * `fastCheck`, for big outputs: a cheap test that accepts only elements the schema would pass through
 * unchanged; those skip zod, every other element goes through the schema (and its error messages).
 */
export function parseJsonRecords<S extends z.ZodType>(text: string, schema: S, what: string, fastCheck?: (element: unknown) => boolean): Parsed<z.infer<S>> {
  const parsed = parseJsonText(text, what);
  if (parsed.issue) return { items: [], issues: [parsed.issue] };
  if (!Array.isArray(parsed.value)) return { items: [], issues: [{ message: `${what}: expected a JSON array` }] };
  const items: z.infer<S>[] = [];
  const issues: ParseIssue[] = [];
  parsed.value.forEach((element: unknown, index) => {
    if (fastCheck?.(element)) {
      items.push(element as z.infer<S>);
      return;
    }
    const result = schema.safeParse(element);
    if (result.success) items.push(result.data);
    else if (issues.length < 50)
      issues.push({ at: index, message: `${what} record ${index}: ${clip(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))}` });
  });
  return { items, issues };
}
