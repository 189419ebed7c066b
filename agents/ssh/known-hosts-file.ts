import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { indexKnownHosts, parseKnownHosts, type KnownHostsIndex } from './known-hosts';

// The known_hosts file on disk. Read at every connect (an operator re-pinning a key takes effect
// without a restart); appends are serialized per file so concurrent TOFU connects do not interleave.
const appendQueues = new Map<string, Promise<void>>();
/** The last text read of each file and its index: parsed again only when the text changed. */
const parsed = new Map<string, { text: string; index: KnownHostsIndex }>();

export async function readKnownHostsText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/**
 * The file's entries, indexed by host (see `entriesForHost`). The file is read every time, so an edit
 * counts at the next connect, but parsed only when its text differs from the last read: a fleet of
 * 1,000 nodes connecting at once shares one parsed copy instead of holding 1,000.
 */
export async function readKnownHostsIndex(file: string): Promise<KnownHostsIndex> {
  const text = await readKnownHostsText(file);
  const held = parsed.get(file);
  if (held && held.text === text) return held.index;
  const index = indexKnownHosts(parseKnownHosts(text));
  parsed.set(file, { text, index });
  return index;
}

export function appendKnownHost(file: string, line: string): Promise<void> {
  const prev = appendQueues.get(file) ?? Promise.resolve();
  const next = prev.then(async () => {
    await mkdir(path.dirname(file), { recursive: true });
    const current = await readKnownHostsText(file);
    if (current.split('\n').includes(line.trimEnd())) return;
    const sep = current && !current.endsWith('\n') ? '\n' : '';
    await appendFile(file, sep + line, { mode: 0o600 });
  });
  appendQueues.set(
    file,
    next.catch(() => undefined),
  );
  return next;
}
