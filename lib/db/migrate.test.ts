import { describe, expect, it } from 'vitest';
import { migrationFiles } from './migrate';

describe('migration files', () => {
  const names = ['051_maintenance.sql', '001_init.sql', '052_events_partitioned.postgres.sql', 'README.md', '053_next.sql', '054_Bad.sql', '055_x.pglite.sql'];

  it('applies NNN_name.sql everywhere, in order', () => {
    expect(migrationFiles(names, 'pglite')).toEqual(['001_init.sql', '051_maintenance.sql', '053_next.sql']);
  });

  it('applies NNN_name.postgres.sql on PostgreSQL only, in its place', () => {
    expect(migrationFiles(names, 'postgres')).toEqual(['001_init.sql', '051_maintenance.sql', '052_events_partitioned.postgres.sql', '053_next.sql']);
  });
});
