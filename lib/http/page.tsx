import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { can, type Permission } from '../auth/permissions';
import { signInRedirect } from '../auth/public-paths';
import { sessionCookieName } from '../auth/session-token';
import { currentUser } from '../auth/store/current-user';
import type { UserRow } from '../auth/store/users';
import { registerPage } from './registry';

// The twin of route() for server pages: `page({ path, permission, forbidden }, render)`. A visitor
// without a session goes to sign-in and comes back to this very URL; a role without the permission
// sees `forbidden` instead of the page. proxy.ts already sends signed-out visitors to sign-in before a
// page runs; this is the same decision where the page's data is read (a session can end in between),
// and the only place a page learns who is signed in.

export type PageAccess = Permission | 'public';

type SearchParams = Record<string, string | string[] | undefined>;

export interface PageContext<A extends PageAccess> {
  user: A extends Permission ? UserRow : undefined;
  params: Record<string, string>;
  searchParams: SearchParams;
}

export interface PageOptions<A extends PageAccess> {
  /** the page's path as its folder under app/ names it, e.g. `/nodes/[name]` */
  path: string;
  permission: A;
  /** what a signed-in role without the permission sees */
  forbidden?: string;
}

export interface PageProps {
  params: Promise<Record<string, string>>;
  searchParams: Promise<SearchParams>;
}

/** The URL the visitor asked for, from the page's path, its segments and its query. */
export function pageUrl(path: string, params: Record<string, string>, searchParams: SearchParams): string {
  const filled = path.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const query = new URLSearchParams(Object.entries(searchParams).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))).toString();
  return query === '' ? filled : `${filled}?${query}`;
}

export function page<A extends PageAccess>(
  options: PageOptions<A>,
  render: (ctx: PageContext<A>) => Promise<ReactNode> | ReactNode,
): (props: PageProps) => Promise<ReactNode> {
  const Page = async (props: PageProps): Promise<ReactNode> => {
    const params = (await props.params) ?? {};
    const searchParams = (await props.searchParams) ?? {};
    if (options.permission === 'public') return render({ user: undefined as PageContext<A>['user'], params, searchParams });
    const permission = options.permission as Permission;
    const user = await currentUser((await cookies()).get(sessionCookieName)?.value);
    if (!user) redirect(signInRedirect(pageUrl(options.path, params, searchParams)));
    if (!can(user.role, permission)) return <p role="alert">{options.forbidden ?? 'Your role cannot see this page.'}</p>;
    return render({ user: user as PageContext<A>['user'], params, searchParams });
  };
  registerPage(Page, { path: options.path, permission: options.permission });
  return Page;
}
