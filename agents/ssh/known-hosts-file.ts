import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseKnownHosts, type KnownHostEntry } from './known-hosts';

// The known_hosts file on disk. Read at every connect (an operator re-pinning a key takes effect
// without a restart); appends are serialized per file so concurrent TOFU connects do not interleave.
const appendQueues = new Map<string, Promise<void>>();

export async function readKnownHostsText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

export async function readKnownHosts(file: string): Promise<{ text: string; entries: KnownHostEntry[] }> {
  const text = await readKnownHostsText(file);
  return { text, entries: parseKnownHosts(text) };
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
