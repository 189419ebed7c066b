/**
 * `systemctl is-active doublezerod` prints one state word (active, inactive, failed, activating,
 * deactivating, reloading, unknown) and exits 0 only when active.
 */
export type UnitState = 'active' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'reloading' | 'unknown';

const STATES = new Set<string>(['active', 'inactive', 'failed', 'activating', 'deactivating', 'reloading', 'unknown']);

export function parseSystemctlIsActive(stdout: string): UnitState {
  const word = stdout.trim().split(/\s+/)[0] ?? '';
  return STATES.has(word) ? (word as UnitState) : 'unknown';
}
