import 'server-only';

/**
 * The origin links handed to others (triage URLs in the webhook reply) start with: the first origin of
 * FNH_PUBLIC_ORIGIN, or null when none is configured. Never the request's Host header, which the sender
 * chooses (DNS rebinding, a forged header).
 */
export function configuredPublicOrigin(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const first = (env.FNH_PUBLIC_ORIGIN ?? '').split(',')[0]?.trim();
  if (!first) return null;
  try {
    const url = new URL(first);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}
