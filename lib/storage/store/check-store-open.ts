import 'server-only';
import { getDb } from '@/lib/db';

// Opens the store (applying migrations) and runs one trivial query, so "healthy" means "can answer".
export async function checkStoreOpen(): Promise<void> {
  const db = await getDb();
  await db.query('select 1');
}
