// `npx tsx scripts/bench-peer-grid.ts [--url http://127.0.0.1:3000] [--size 1000x1000] [--steps 60]`
// Opens the peer grid with synthetic data in Debian Chromium against a running dashboard and reports how
// long the first render takes and how long scroll frames take. Reports only; nothing here asserts a timing.
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { errorMessage } from '../lib/errors';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.FNH_URL ?? 'http://127.0.0.1:3000' },
    size: { type: 'string', default: '1000x1000' },
    steps: { type: 'string', default: '60' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});

function stats(xs: number[]): { mean: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { mean: round(mean), p95: round(s[Math.floor(s.length * 0.95)] ?? 0), max: round(s[s.length - 1] ?? 0) };
}
const round = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const url = new URL(`/peers?synthetic=${values.size}`, values.url).toString();
    await page.goto(url);
    const grid = page.getByTestId('peer-grid');
    await grid.waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('peer-grid-rendered').length > 0);
    const render = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const mark = performance.getEntriesByName('peer-grid-rendered')[0];
      return { navigationToGridMs: mark?.startTime ?? null, domContentLoadedMs: nav?.domContentLoadedEventEnd ?? null };
    });
    const domCells = await page.locator('[role="gridcell"]').count();
    // Scroll diagonally in equal steps; each step waits two animation frames so React has rendered it.
    const frames = await grid.evaluate(async (el, steps) => {
      const out: number[] = [];
      const maxTop = el.scrollHeight - el.clientHeight;
      const maxLeft = el.scrollWidth - el.clientWidth;
      // (no named helper functions in here: tsx's keepNames would reference a __name the page lacks)
      for (let i = 1; i <= steps; i++) {
        const t0 = performance.now();
        el.scrollTo({ top: (maxTop * i) / steps, left: (maxLeft * i) / steps });
        await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => requestAnimationFrame(r));
        out.push(performance.now() - t0);
      }
      return out;
    }, Number(values.steps));
    const lastRow = await page.locator('[role="rowheader"]').last().textContent();
    console.log(
      JSON.stringify(
        {
          size: values.size,
          url,
          render: { ...render, domCellsInView: domCells },
          scroll: { steps: frames.length, frameMs: stats(frames) },
          lastRowHeaderAfterScroll: lastRow,
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(errorMessage(err));
  process.exit(1);
});
