// Routing table ids as iproute2 prints them: names from rt_tables for the reserved ones, numbers as
// strings otherwise. Normalized so `254` and `main` are the same table.
const RESERVED: Record<string, string> = { '253': 'default', '254': 'main', '255': 'local', '0': 'unspec' };

export function normalizeTable(table: string | number | undefined, fallback = 'main'): string {
  if (table === undefined) return fallback;
  const text = String(table);
  return RESERVED[text] ?? text;
}
