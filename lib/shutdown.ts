// One place that runs cleanup on SIGINT/SIGTERM, newest first (agents stop before the store closes).
type Hook = () => Promise<void> | void;
const state = globalThis as unknown as { __fnhShutdown?: { hooks: Hook[]; installed: boolean; running: boolean } };
const registry = (state.__fnhShutdown ??= { hooks: [], installed: false, running: false });

export function onShutdown(hook: Hook): () => void {
  registry.hooks.push(hook);
  if (!registry.installed) {
    registry.installed = true;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => void runShutdown().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143)));
    }
  }
  return () => {
    const i = registry.hooks.indexOf(hook);
    if (i >= 0) registry.hooks.splice(i, 1);
  };
}

export async function runShutdown(): Promise<void> {
  if (registry.running) return;
  registry.running = true;
  for (const hook of [...registry.hooks].reverse()) {
    try {
      await hook();
    } catch (err) {
      console.error('shutdown hook failed:', err instanceof Error ? err.message : err);
    }
  }
  registry.hooks = [];
  registry.running = false;
}
