// `npm run bench:soak [-- --nodes 1000 --minutes 30 --port 3212 --rebuild]`
// Runs the demo (simulated fleet, embedded agent, PGlite; retention and maintenance as configured by
// FNH_RETENTION / FNH_RETAIN_*) for a while and prints, every minute: the store's size (database, WAL, the
// data folder on disk), each table's size and dead-row share (from /metrics), and the p95 of the dashboard's
// reads, with the load average. At the end: growth per hour after warm-up and the reads at 5 minutes
// against the last minute. Writes bench-results/soak-<time>.json as it goes. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, load1, percentile, root, rssMb, signIn, startDemo } from './demo-process';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '30' },
    port: { type: 'string', default: '3212' },
    'warmup-minutes': { type: 'string', default: '5' },
    'reads-per-minute': { type: 'string', default: '10' },
    rebuild: { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const minutes = Number(values.minutes);
const warmup = Number(values['warmup-minutes']);

interface TableFigure {
  bytes: number;
  rows: number;
  dead: number;
}

interface Minute {
  minute: number;
  at: string;
  load: number;
  storeBytes: number;
  walBytes: number | null;
  diskBytes: number;
  tables: Record<string, TableFigure>;
  reads: Record<string, { p50: number; p95: number }>;
  serverRssMb: number | null;
  oldestEventAt: string | null;
}

function parseMetrics(text: string): { storeBytes: number; walBytes: number | null; tables: Record<string, TableFigure>; oldestEvent: number | null } {
  const tables: Record<string, TableFigure> = {};
  const value = (name: string) => {
    const m = new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  for (const m of text.matchAll(/^fnh_store_table_(bytes|rows|dead_rows)\{table="([^"]+)"\} ([0-9.e+]+)$/gm)) {
    const t = (tables[m[2]!] ??= { bytes: 0, rows: 0, dead: 0 });
    const v = Number(m[3]);
    if (m[1] === 'bytes') t.bytes = v;
    else if (m[1] === 'rows') t.rows = v;
    else t.dead = v;
  }
  return {
    storeBytes: value('fnh_store_bytes') ?? NaN,
    walBytes: value('fnh_store_wal_bytes'),
    tables,
    oldestEvent: value('fnh_store_oldest_event_timestamp_seconds'),
  };
}

const duBytes = (dir: string): number => Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split(/\s/)[0]);
const mb = (b: number) => Math.round(b / 1024 / 1024);

async function main(): Promise<void> {
  ensureBuilt(values.rebuild);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-bench-soak-'));
  const demo = startDemo({ nodes, port: Number(values.port), dataDir });
  const out = path.join(root, 'bench-results');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const series: Minute[] = [];
  try {
    const client = await signIn(demo.base, Date.now() + 300_000);
    for (const deadline = Date.now() + 900_000; ;) {
      const res = await client('/api/fleet');
      const fleet = res.ok ? ((await res.json()) as { nodes: Array<{ poll: { state: string } }> }) : null;
      if (fleet && fleet.nodes.length === nodes && fleet.nodes.every((n) => n.poll.state !== 'pending')) break;
      if (Date.now() > deadline) throw new Error('no full poll within 15 minutes');
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const start = Date.now();
    console.log(
      `first full poll after ${Math.round((start - demo.startedAt) / 1000)} s; soaking ${minutes} min (every minute: store, tables, dead rows, read p95)`,
    );
    console.log('min  load  store MB  WAL MB  disk MB  events rows  biggest tables (MB, dead %)                                 fleet p95  peers p95  RSS MB');
    for (let minute = 1; minute <= minutes; minute++) {
      // reads spread over the minute, like a wall screen and a few engineers
      const reads: Record<string, number[]> = { '/api/fleet': [], '/api/peers': [] };
      const perMinute = Number(values['reads-per-minute']);
      const minuteEnd = start + minute * 60_000;
      for (let i = 0; i < perMinute; i++) {
        for (const r of Object.keys(reads)) {
          const t = performance.now();
          const res = await client(r).catch(() => client(r));
          await res.arrayBuffer();
          reads[r]!.push(performance.now() - t);
        }
        const wait = (minuteEnd - 5_000 - Date.now()) / (perMinute - i);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const wait = minuteEnd - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const metrics = parseMetrics(await (await client('/metrics')).text());
      const m: Minute = {
        minute,
        at: new Date().toISOString(),
        load: load1(),
        storeBytes: metrics.storeBytes,
        walBytes: metrics.walBytes,
        diskBytes: duBytes(path.join(dataDir, 'pglite')),
        tables: metrics.tables,
        reads: Object.fromEntries(Object.entries(reads).map(([k, v]) => [k, { p50: Math.round(percentile(v, 50)), p95: Math.round(percentile(v, 95)) }])),
        serverRssMb: rssMb(demo.serverPid())?.rss ?? null,
        oldestEventAt: metrics.oldestEvent ? new Date(metrics.oldestEvent * 1000).toISOString() : null,
      };
      series.push(m);
      const biggest = Object.entries(m.tables)
        .sort((a, b) => b[1].bytes - a[1].bytes)
        .slice(0, 4)
        .map(([t, f]) => `${t} ${mb(f.bytes)} (${f.rows + f.dead > 0 ? Math.round((100 * f.dead) / (f.rows + f.dead)) : 0} %)`)
        .join(', ');
      console.log(
        `${String(minute).padStart(3)}  ${String(m.load).padStart(4)}  ${String(mb(m.storeBytes)).padStart(8)}  ${String(m.walBytes === null ? '?' : mb(m.walBytes)).padStart(6)}  ${String(mb(m.diskBytes)).padStart(7)}  ${String(m.tables.liveness_events?.rows ?? 0).padStart(11)}  ${biggest.padEnd(60)} ${String(m.reads['/api/fleet']!.p95).padStart(7)} ms ${String(m.reads['/api/peers']!.p95).padStart(7)} ms  ${m.serverRssMb ?? '?'}`,
      );
      writeFileSync(file, JSON.stringify({ nodes, minutes, cores: cpus().length, series }, null, 2));
    }
    const from = series.find((s) => s.minute === warmup) ?? series[0]!;
    const to = series[series.length - 1]!;
    const hours = (Date.parse(to.at) - Date.parse(from.at)) / 3600_000;
    const perHour = (a: number, b: number) => Math.round((b - a) / 1024 / 1024 / hours);
    const tableBytes = (m: Minute) => Object.values(m.tables).reduce((n, t) => n + t.bytes, 0);
    const worstDead = Object.entries(to.tables)
      .map(([t, f]) => [t, f.rows + f.dead > 0 ? f.dead / (f.rows + f.dead) : 0] as const)
      .sort((a, b) => b[1] - a[1])[0];
    const eventsPerHour = ((to.tables.liveness_events?.rows ?? 0) - (from.tables.liveness_events?.rows ?? 0)) / hours;
    const eventBytes = (to.tables.liveness_events?.bytes ?? 0) / Math.max(1, to.tables.liveness_events?.rows ?? 1);
    const summary = {
      warmupMinute: from.minute,
      growthPerHourMb: {
        tables: perHour(tableBytes(from), tableBytes(to)),
        store: perHour(from.storeBytes, to.storeBytes),
        disk: perHour(from.diskBytes, to.diskBytes),
      },
      worstDeadShare: worstDead ? { table: worstDead[0], share: Math.round(worstDead[1] * 100) / 100 } : null,
      reads: { afterWarmup: from.reads, atEnd: to.reads },
      liveness_events: { rowsPerHour: Math.round(eventsPerHour), bytesPerRow: Math.round(eventBytes) },
      // the log is the one kind that grows until its window: rows per hour × window × bytes per row
      projectedLogAtRetentionMb: { days3: Math.round((eventsPerHour * 72 * eventBytes) / 1024 / 1024) },
    };
    console.log('');
    console.log(
      `after warm-up (minute ${from.minute} → ${to.minute}): table files ${summary.growthPerHourMb.tables} MB/h, database ${summary.growthPerHourMb.store} MB/h, data folder on disk ${summary.growthPerHourMb.disk} MB/h`,
    );
    console.log(`most dead rows: ${summary.worstDeadShare?.table} ${Math.round((summary.worstDeadShare?.share ?? 0) * 100)} %`);
    console.log(
      `reads p95 at minute ${from.minute}: fleet ${from.reads['/api/fleet']!.p95} ms, peers ${from.reads['/api/peers']!.p95} ms; at minute ${to.minute}: fleet ${to.reads['/api/fleet']!.p95} ms, peers ${to.reads['/api/peers']!.p95} ms`,
    );
    console.log(
      `log: ${summary.liveness_events.rowsPerHour} events/h at ~${summary.liveness_events.bytesPerRow} B/row with indexes: ~${summary.projectedLogAtRetentionMb.days3} MB at the 3-day window (projection)`,
    );
    writeFileSync(file, JSON.stringify({ nodes, minutes, cores: cpus().length, series, summary }, null, 2));
    console.log(`written to ${path.relative(root, file)}`);
  } finally {
    await demo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
