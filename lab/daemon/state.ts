import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { z } from 'zod';

// What survives a daemon restart: whether the node is connected and with which DZ IP. Liveness
// sessions are deliberately NOT persisted — that is why a restart clears the seed's stale sessions.
export const connectionStateSchema = z.object({
  connected: z.boolean(),
  allocate: z.boolean(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export function readConnectionState(path: string): ConnectionState {
  try {
    return connectionStateSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return { connected: false, allocate: false };
  }
}

export function writeConnectionState(path: string, state: ConnectionState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state) + '\n');
  renameSync(`${path}.tmp`, path);
}
