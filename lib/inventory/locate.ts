import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * The 1-based line of the YAML node at `path` (or of the deepest ancestor that exists, e.g. the
 * mapping a required field is missing from). With `key`, the line of that key inside the mapping.
 */
export function lineOfPath(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  const steps = key === undefined ? path : [...path, key];
  for (let i = 0; i < steps.length; i++) {
    const part = steps[i];
    const isLast = i === steps.length - 1;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      // For the key we were asked about, point at the key itself (its value may be on another line).
      next = isLast && key !== undefined ? pair.key : (pair.value ?? pair.key);
    } else if (isSeq(node) && typeof part === 'number') {
      next = node.items[part];
    } else {
      break;
    }
    const start = rangeStart(next);
    if (start === undefined) break;
    offset = start;
    node = next;
  }
  return lines.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: readonly number[] | null }).range;
    if (range && typeof range[0] === 'number') return range[0];
  }
  return undefined;
}
