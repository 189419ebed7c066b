import { z } from 'zod';
import { actionIdSchema } from './catalog';
import { ipv4Schema } from './params';

// The body of a remediation request as it arrives over HTTP. Parameters stay `unknown` here: the
// chosen action's own schema validates them (render.ts).

export const nodeNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a node name from the inventory');

export const remediationTargetSchema = z.object({
  action: actionIdSchema,
  nodes: z
    .array(nodeNameSchema)
    .min(1)
    .max(500)
    .refine((n) => new Set(n).size === n.length, 'each node once'),
  params: z.record(z.string(), z.unknown()).default({}),
  targetPeer: ipv4Schema.nullable().default(null),
});

export const remediationRequestSchema = remediationTargetSchema.extend({
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
  alertUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .default(null),
  /** chosen by the browser when the confirm dialog opens; the same key never runs twice */
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});
export type RemediationRequestInput = z.infer<typeof remediationRequestSchema>;
