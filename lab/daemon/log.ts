import { nowInstant, rfc3339Nano } from './clock';
import type { JournalSink } from './journal';
import type { Priority } from './journal-record';

// doublezerod logs with Go's log/slog JSON handler: {"time":…,"level":…,"msg":…, attrs…}.
export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type LogAttrs = Record<string, string | number | boolean>;

const PRIORITY: Record<Level, Priority> = { DEBUG: 7, INFO: 6, WARN: 4, ERROR: 3 };

export interface Logger {
  info(msg: string, attrs?: LogAttrs): void;
  warn(msg: string, attrs?: LogAttrs): void;
  error(msg: string, attrs?: LogAttrs): void;
}

export function createLogger(sink: JournalSink): Logger {
  const log = (level: Level, msg: string, attrs: LogAttrs = {}) => {
    const at = nowInstant();
    sink.write(at, PRIORITY[level], JSON.stringify({ time: rfc3339Nano(at), level, msg, ...attrs }));
  };
  return {
    info: (msg, attrs) => log('INFO', msg, attrs),
    warn: (msg, attrs) => log('WARN', msg, attrs),
    error: (msg, attrs) => log('ERROR', msg, attrs),
  };
}
