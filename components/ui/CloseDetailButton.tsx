'use client';

/** The ✕ that closes a grid's detail pane (fleet and peer grids). */
export function CloseDetailButton({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" onClick={onClose} className="ml-auto rounded px-3 py-1 text-base text-slate-300 hover:bg-slate-800" aria-label="Close detail">
      ✕
    </button>
  );
}
