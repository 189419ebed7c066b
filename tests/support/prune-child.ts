// A process that prunes an embedded store in small, slow batches and says so after each one, for the test
// that kills it mid-prune (retention-restart.int.test.ts). argv: <data dir> <now ISO>
import { openPglite } from '../../lib/db/pglite';
import { migrate } from '../../lib/db/migrate';
import { retentionFromEnv } from '../../lib/storage/retention-config';
import { pruneExpired } from '../../lib/storage/store/retention-prune';

const [dataDir, nowIso] = process.argv.slice(2);
const db = await openPglite(dataDir);
await migrate(db);
let batches = 0;
await pruneExpired(db, retentionFromEnv({}), {
  now: new Date(nowIso!),
  batchSize: 50,
  between: async () => {
    console.log(`BATCH ${++batches}`);
    await new Promise((r) => setTimeout(r, 20));
  },
});
console.log('DONE');
await db.close();
