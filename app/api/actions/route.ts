import { z } from 'zod';
import { actionCatalog } from '@/lib/remediation/catalog';
import { allCommandTemplates } from '@/lib/remediation/render';
import type { ActionDefinition } from '@/lib/remediation/types';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The catalog as the UI needs it: what each action does, its parameters (JSON Schema), who may run it. */
export const GET = route({ method: 'GET', path: '/api/actions', permission: 'fleet.view' }, () => ({
  actions: (actionCatalog as readonly ActionDefinition[]).map((a) => ({
    id: a.id,
    title: a.title,
    description: a.description,
    params: z.toJSONSchema(a.params),
    commands: allCommandTemplates(a).map((c) => c.map((w) => (typeof w === 'string' ? w : `<${w.param}>`)).join(' ')),
    fitsVerdicts: a.fitsVerdicts,
    requiredRole: a.requiredRole,
    needsApproval: a.needsApproval,
    timeoutMs: a.timeoutMs,
  })),
}));
