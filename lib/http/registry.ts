import 'server-only';
// Every route handler and server page built with route() / page() records here what it is and who may
// call it. tests/security/route-access.int.test.ts imports every app/**/route.ts, refuses any export that
// is not in this registry, and probes each entry according to its access: the policy lives in the
// handlers themselves, not in a list kept beside them.

export interface RouteEntry {
  method: string;
  /** as the folder under app/ names it, e.g. `/api/nodes/[name]` */
  path: string;
  /** a permission of lib/auth/permissions.ts, or `public`, `webhook-token`, `metrics-token` (lib/http/route.ts) */
  permission: string;
}

export interface PageEntry {
  path: string;
  permission: string;
}

const routes = new Map<string, RouteEntry>();
const byHandler = new WeakMap<object, RouteEntry>();
const pages = new Map<string, PageEntry>();
const byPage = new WeakMap<object, PageEntry>();

export function registerRoute(handler: object, entry: RouteEntry): void {
  // A module evaluated again (dev reloads, tests resetting modules) replaces its earlier entry.
  routes.set(`${entry.method} ${entry.path}`, entry);
  byHandler.set(handler, entry);
}

export function registerPage(component: object, entry: PageEntry): void {
  pages.set(entry.path, entry);
  byPage.set(component, entry);
}

/** Every route registered so far (a route registers when its module is imported). */
export function registeredRoutes(): RouteEntry[] {
  return [...routes.values()];
}

/** The entry of an exported handler, or undefined when it was not built with route(). */
export function routeEntryOf(handler: unknown): RouteEntry | undefined {
  return typeof handler === 'function' ? byHandler.get(handler) : undefined;
}

export function registeredPages(): PageEntry[] {
  return [...pages.values()];
}

export function pageEntryOf(component: unknown): PageEntry | undefined {
  return typeof component === 'function' ? byPage.get(component) : undefined;
}
