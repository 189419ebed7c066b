import 'server-only';
import { clientAddressHeader, clientAddressHeaderIsTrusted } from '../auth/client-address';
import { AppError } from '../errors';

/**
 * The address a request came from, as scripts/server.ts read it from the socket (and from trusted
 * proxies' X-Forwarded-For). Next.js alone keeps whatever X-Forwarded-For a client sends, so without that
 * server an attacker could claim a new address per request and walk past every per-address limit: then
 * sign-in refuses to run rather than count attempts under addresses it cannot trust.
 */
export function requestClientAddress(request: Request): string {
  const trusted = (globalThis as Record<symbol, unknown>)[clientAddressHeaderIsTrusted] === true;
  const address = trusted ? request.headers.get(clientAddressHeader) : null;
  if (!address) {
    throw new AppError(
      'internal',
      'this server cannot tell client addresses apart, so sign-in cannot be rate limited: start it with `npm start`, `npm run demo` or `npm run serve` (scripts/server.ts), not `next start`',
    );
  }
  return address;
}
