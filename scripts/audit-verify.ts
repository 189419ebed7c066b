// npm run audit:verify [-- --expect-head H] [-- --archive <file>]
// Checks the audit log's hash chain in the store (FNH_DATA_DIR or DATABASE_URL) and names the first bad
// record. Prints the head hash: keep it somewhere else and pass it next time to also detect a cut-off tail.
// When a prefix was archived (npm run audit:archive), the store's chain is verified from the archive anchor;
// `--archive <file>` verifies an archive file on its own and against the store's anchor for it.
// PGlite allows one opener: stop the server first, or use GET /api/audit/verify while it runs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDb } from '../lib/db';
import { allAuditAnchors, verifyArchiveText } from '../lib/audit/store/archive';
import { verifyAuditLog } from '../lib/audit/store/verify';

const { values } = parseArgs({ options: { 'expect-head': { type: 'string' }, 'data-dir': { type: 'string' }, archive: { type: 'string', multiple: true } } });
const expected = values['expect-head'];
if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
  console.error('--expect-head must be a sha256 hex digest');
  process.exit(2);
}
const db = await openDb({ dataDir: values['data-dir'] });
try {
  const anchors = await allAuditAnchors(db);
  for (const file of values.archive ?? []) {
    const verdict = verifyArchiveText(readFileSync(file, 'utf8'), anchors);
    if (!verdict.ok) {
      console.error(`archive ${file} BROKEN at record seq ${verdict.firstBadSeq}: ${verdict.problem}`);
      process.exitCode = 1;
    } else if (verdict.anchorMatches === false) {
      console.error(
        `archive ${file}: chain intact, but it is not the file the store's anchor at record ${verdict.through?.seq} names (hash or file sha256 differ)`,
      );
      process.exitCode = 1;
    } else {
      console.log(
        `archive ${file} OK: ${verdict.count} records through ${verdict.through?.seq}${verdict.anchorMatches ? ", matches the store's anchor" : ' (no anchor for it in this store)'}`,
      );
    }
  }
  const verdict = await verifyAuditLog(db, { expectedHeadHash: expected });
  if (verdict.ok) {
    const from = verdict.archived
      ? `from record ${verdict.archived.seq + 1} (records up to ${verdict.archived.seq} archived by ${verdict.archived.archivedBy} at ${verdict.archived.archivedAt}, anchor ${verdict.archived.hash})`
      : 'from genesis';
    console.log(`audit log OK: ${verdict.count} records, chain intact ${from}`);
    console.log(`head ${verdict.headHash}`);
  } else {
    console.error(`audit log BROKEN at record seq ${verdict.firstBadSeq}: ${verdict.problem}`);
    console.error(`(${verdict.count} records before it verified)`);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
