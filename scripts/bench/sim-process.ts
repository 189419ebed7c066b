import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface SimProcess {
  inventoryPath: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** A simulated fleet in a process of its own (`agents/sim/cli.ts`), so its CPU is not the agent's. */
export async function startSimProcess(dir: string, args: readonly string[]): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'agents/sim/cli.ts'), '--dir', dir, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const inventoryPath = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      const m = /inventory:\s+(\S+)/.exec(buf);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`simulated fleet exited with ${code}`)));
  });
  return {
    inventoryPath,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
