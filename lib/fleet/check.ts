import { z } from 'zod';

// One cell of the fleet grid. `unknown` is its own state: no fresh data, neither healthy nor down.
export const checkStatuses = ['ok', 'warn', 'fail', 'unknown'] as const;
export const checkStatusSchema = z.enum(checkStatuses);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const checkCellSchema = z.object({
  status: checkStatusSchema,
  /** short text shown in the cell */
  label: z.string(),
  /** one line of why, shown on hover and in the detail pane */
  detail: z.string().nullable(),
});
export type CheckCell = z.infer<typeof checkCellSchema>;

export const checkIds = ['poll', 'daemon', 'link', 'addresses', 'routes', 'warnings', 'verdict'] as const;
export const checkIdSchema = z.enum(checkIds);
export type CheckId = z.infer<typeof checkIdSchema>;

export const checkTitles: Record<CheckId, string> = {
  poll: 'SSH / poll',
  daemon: 'doublezerod',
  link: 'doublezero0 link',
  addresses: 'dz0 addresses',
  routes: 'routes via dz0',
  warnings: 'warnings / min',
  verdict: 'worst verdict',
};

const statusRank: Record<CheckStatus, number> = { ok: 0, unknown: 1, warn: 2, fail: 3 };
export function checkStatusRank(s: CheckStatus): number {
  return statusRank[s];
}
