import { isWrittenByDefault, type DaemonRecord } from '../../lib/doublezerod';
import type { JournalSink } from './journal';

// doublezerod logs with slog's JSON handler on stdout at INFO (cmd/doublezerod/main.go; `-v` would add DEBUG).
// Every line the stand-in writes is built by lib/doublezerod for this node's version; this only decides
// whether the daemon's level lets it out, and hands it to journald.
export interface DaemonLog {
  write(record: DaemonRecord): void;
}

export function createDaemonLog(journal: JournalSink): DaemonLog {
  return {
    write(record) {
      if (!isWrittenByDefault(record)) return;
      // journald stamps its receive time, a little after the record's own time
      journal.write(Date.now(), record.line);
    },
  };
}
