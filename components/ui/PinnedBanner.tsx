// Shown whenever a view is pinned to a past moment, so nobody mistakes history for live data.
export function PinnedBanner({ at, onUnpin }: { at: string | null; onUnpin: () => void }) {
  if (!at) return null;
  return (
    <div role="status" data-testid="pinned-banner" className="mb-2 flex items-center gap-3 rounded bg-indigo-900/60 px-3 py-1 ring-1 ring-indigo-500/60">
      <span>
        Pinned to{' '}
        <time dateTime={at} className="font-mono">
          {at}
        </time>{' '}
        (history, not live)
      </span>
      <button type="button" onClick={onUnpin} className="ml-auto rounded bg-indigo-700 px-2 py-0.5 hover:bg-indigo-600">
        Back to live
      </button>
    </div>
  );
}
