import { LoginForm } from '@/components/auth/LoginForm';
import { safeNextPath } from '@/lib/auth/public-paths';
import { page } from '@/lib/http/page';
import { oidcEnabled } from '@/lib/auth/store/oidc';

export const dynamic = 'force-dynamic';

export default page({ path: '/login', permission: 'public' }, ({ searchParams }) => <LoginForm next={safeNextPath(searchParams.next)} oidc={oidcEnabled()} />);
