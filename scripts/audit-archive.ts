// npm run audit:archive -- --through-seq N --out <file> --by <admin> [--data-dir D]
// Moves the audit records up to N (from the previous archive, or from the first) into <file>, which
// verifies on its own (npm run audit:verify -- --archive <file>); the store keeps an anchor and goes on
// verifying from it. Retention never does this: it is an admin's decision, recorded in the chain itself
// (an `audit.archived` record). The file is written and synced before any record is removed.
// PGlite allows one opener: stop the server first.
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDb } from '../lib/db';
import { archiveAuditPrefix, AuditArchiveError } from '../lib/audit/store/archive';

const { values } = parseArgs({
  options: { 'through-seq': { type: 'string' }, out: { type: 'string' }, by: { type: 'string' }, 'data-dir': { type: 'string' } },
});
const through = Number(values['through-seq']);
if (!Number.isInteger(through) || through < 1 || !values.out || !values.by) {
  console.error('usage: npm run audit:archive -- --through-seq N --out <file> --by <admin username>');
  process.exit(2);
}
if (existsSync(values.out)) {
  console.error(`${values.out} exists: choose a new file (an archive is never overwritten)`);
  process.exit(2);
}
const out = values.out;
const db = await openDb({ dataDir: values['data-dir'] });
try {
  const { anchor } = await archiveAuditPrefix(db, {
    throughSeq: through,
    archivedBy: values.by,
    write: async (text) => {
      const fd = openSync(out, 'wx');
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  });
  console.log(
    `archived ${anchor.records} records through ${anchor.seq} to ${out} (sha256 ${anchor.archiveSha256}); the store verifies from record ${anchor.seq + 1}`,
  );
} catch (err) {
  console.error(err instanceof AuditArchiveError ? `not archived: ${err.message}` : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
