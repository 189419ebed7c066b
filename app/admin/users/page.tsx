import { UserAdmin } from '@/components/auth/UserAdmin';
import { page } from '@/lib/http/page';

export const dynamic = 'force-dynamic';

/** `/admin/users`: admins create, disable, re-role, reset and delete accounts (each audited, each ends the account's sessions). */
export default page({ path: '/admin/users', permission: 'user.manage', forbidden: 'Only admins manage accounts.' }, ({ user }) => (
  <UserAdmin me={user.username} />
));
