import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ method: 'GET', path: '/api/auth/me', permission: 'fleet.view' }, ({ user }) => ({
  user: { username: user.username, role: user.role },
}));
