import 'server-only';
import { retentionFromEnv, type Retention } from '@/lib/storage/retention-config';

// The retention this process runs with (FNH_RETENTION / FNH_RETAIN_*), read once; a bad value stops start-up
// with the setting's name (agents call it at start, so the message comes before any poll).
let current: Retention | undefined;

export function currentRetention(): Retention {
  current ??= retentionFromEnv(process.env);
  return current;
}
