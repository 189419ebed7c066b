import { z } from 'zod';
import { atParamSchema } from '@/lib/fleet/fleet';
import { nodeNameSchema } from '@/lib/node/node';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { getNode } from '@/lib/node/store/get-node';

export const dynamic = 'force-dynamic';

export const GET = route(
  {
    method: 'GET',
    path: '/api/nodes/[name]',
    permission: 'fleet.view',
    // A name the inventory could never hold is simply not a node.
    params: { schema: z.object({ name: nodeNameSchema }), invalid: () => new AppError('not_found', 'no such node') },
    query: z.object({ at: atParamSchema.optional() }),
  },
  ({ params, query }) => getNode({ name: params.name, now: new Date(), at: query.at }),
);
