import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { UserAdmin } from '@/components/auth/UserAdmin';
import { sessionCookieName } from '@/lib/auth/session-token';
import { pageAccess } from '@/lib/services/auth-page';

export const dynamic = 'force-dynamic';

/** `/admin/users`: admins create, disable, re-role, reset and delete accounts (each audited, each ends the account's sessions). */
export default async function UsersPage() {
  const access = await pageAccess((await cookies()).get(sessionCookieName)?.value, 'user.manage');
  if (access.kind === 'sign-in') redirect('/login?next=%2Fadmin%2Fusers');
  if (access.kind === 'forbidden') return <p role="alert">Only admins manage accounts.</p>;
  return <UserAdmin me={access.user.username} />;
}
