// Next.js calls register() once when the server starts: the embedded agent polls the fleet in-process,
// sharing the store with the pages (PGlite allows one opener per data folder).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { readSetting } = await import('./lib/settings/settings');
  if (!readSetting('FNH_AGENT', process.env.FNH_AGENT)) return; // FNH_AGENT=off
  const { startEmbeddedAgent } = await import('./agents/embedded');
  await startEmbeddedAgent();
}
