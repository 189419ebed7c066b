// Next.js calls register() once when the server starts: the embedded agent polls the fleet in-process,
// sharing the store with the pages (PGlite allows one opener per data folder).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.FNH_AGENT === 'off') return;
  const { startEmbeddedAgent } = await import('./agents/embedded');
  await startEmbeddedAgent();
}
