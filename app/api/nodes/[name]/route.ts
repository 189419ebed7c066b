import { NextResponse, type NextRequest } from 'next/server';
import { atParamSchema } from '@/lib/api/fleet';
import { nodeNameSchema } from '@/lib/api/node';
import { AppError, toHttpError } from '@/lib/errors';
import { getNode } from '@/lib/services/get-node';
import { z } from 'zod';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ at: atParamSchema.optional() });

export async function GET(req: NextRequest, ctx: { params: Promise<{ name: string }> }): Promise<NextResponse> {
  try {
    const name = nodeNameSchema.safeParse((await ctx.params).name);
    // A name the inventory could never hold is simply not a node.
    if (!name.success) throw new AppError('not_found', 'no such node');
    const query = querySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!query.success) throw new AppError('bad_request', 'invalid query', query.error.issues);
    return NextResponse.json(await getNode({ name: name.data, now: new Date(), at: query.data.at }));
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status });
  }
}
