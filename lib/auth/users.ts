import { z } from 'zod';
import { roleSchema } from './roles';

/** GET /api/auth/users: what the account admin page shows. */
export const userListSchema = z.object({
  users: z.array(z.object({ username: z.string(), role: roleSchema, source: z.enum(['local', 'oidc']), disabled: z.boolean() })),
});
export type UserList = z.infer<typeof userListSchema>;
