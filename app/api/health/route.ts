import { json } from '@/lib/http/json';
import { route } from '@/lib/http/route';
import { checkStoreOpen } from '@/lib/storage/store/check-store-open';

export const dynamic = 'force-dynamic';

// The e2e web server and load balancers wait on this: 200 once the store is open and migrated; a store
// that fails is a 503, so a load balancer takes the instance out instead of reading it as a crash.
export const GET = route(
  { method: 'GET', path: '/api/health', permission: 'public', renderError: ({ status, body }) => json(body, { status: status === 500 ? 503 : status }) },
  async () => {
    await checkStoreOpen();
    return { ok: true };
  },
);
