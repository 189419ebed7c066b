// npm run audit:verify [-- --expect-head <sha256>]
// Checks the audit log's hash chain in the store (FNH_DATA_DIR or DATABASE_URL) and names the first bad
// record. Prints the head hash: keep it somewhere else and pass it next time to also detect a cut-off tail.
// PGlite allows one opener: stop the server first, or use GET /api/audit/verify while it runs.
import { parseArgs } from 'node:util';
import { openDb } from '../lib/db';
import { verifyAuditLog } from '../lib/services/audit-verify';

const { values } = parseArgs({ options: { 'expect-head': { type: 'string' }, 'data-dir': { type: 'string' } } });
const expected = values['expect-head'];
if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
  console.error('--expect-head must be a sha256 hex digest');
  process.exit(2);
}
const db = await openDb({ dataDir: values['data-dir'] });
try {
  const verdict = await verifyAuditLog(db, { expectedHeadHash: expected });
  if (verdict.ok) {
    console.log(`audit log OK: ${verdict.count} records, chain intact`);
    console.log(`head ${verdict.headHash}`);
  } else {
    console.error(`audit log BROKEN at record seq ${verdict.firstBadSeq}: ${verdict.problem}`);
    console.error(`(${verdict.count} records before it verified)`);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
