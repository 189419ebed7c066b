import { LoginForm } from '@/components/auth/LoginForm';
import { safeNextPath } from '@/lib/auth/public-paths';
import { oidcEnabled } from '@/lib/services/auth-oidc';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  return <LoginForm next={safeNextPath(sp.next)} oidc={oidcEnabled()} />;
}
