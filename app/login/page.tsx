import { LoginForm } from '@/components/auth/LoginForm';
import { oidcEnabled } from '@/lib/services/auth-oidc';

export const dynamic = 'force-dynamic';

/** Only same-site paths are followed after sign-in (no open redirect through ?next=). */
function safeNext(raw: string | string[] | undefined): string {
  const v = typeof raw === 'string' ? raw : '/';
  return v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\') ? v : '/';
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  return <LoginForm next={safeNext(sp.next)} oidc={oidcEnabled()} />;
}
