'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';

export interface NavLink {
  href: string;
  label: string;
}

const isCurrent = (pathname: string, href: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`));

function navItems(links: readonly NavLink[], pathname: string, className: string, onFollow?: () => void) {
  return links.map((l) => (
    <Link
      key={l.href}
      href={l.href}
      aria-current={isCurrent(pathname, l.href) ? 'page' : undefined}
      className={`${className} aria-[current=page]:text-white`}
      onClick={onFollow}
    >
      {l.label}
    </Link>
  ));
}

/** The main navigation on a wide screen: inline links (hidden below 640 px, where MenuNav takes over). */
export function BarNav({ links }: { links: readonly NavLink[] }) {
  const pathname = usePathname();
  return (
    <nav className="hidden gap-4 text-slate-300 sm:flex" aria-label="Main">
      {navItems(links, pathname, 'hover:text-white')}
    </nav>
  );
}

// Below 640 px the navigation is a "Menu" button with a drop-down, so the header never runs off a phone's
// screen. It closes when a link is followed, on a tap outside it, or with Escape.
export function MenuNav({ links }: { links: readonly NavLink[] }) {
  const pathname = usePathname();
  // open for the page it was opened on: following a link (a new pathname) closes it
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const close = () => setOpenOn(null);
  return (
    <div className="relative shrink-0 sm:hidden" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="main-menu"
        onClick={() => setOpenOn(open ? null : pathname)}
        className="rounded px-2 py-1.5 text-slate-200 ring-1 ring-slate-700 hover:bg-slate-800"
      >
        <span aria-hidden="true">☰</span> Menu
      </button>
      {open ? (
        <>
          <button type="button" aria-label="Close the menu" tabIndex={-1} className="fixed inset-0 z-40 cursor-default" onClick={close} />
          <nav
            id="main-menu"
            aria-label="Main"
            className="absolute top-full left-0 z-50 mt-2 flex min-w-48 flex-col rounded border border-slate-700 bg-slate-950 p-1 shadow-xl"
          >
            {navItems(links, pathname, 'rounded px-3 py-2.5 text-base text-slate-300 hover:bg-slate-800', close)}
          </nav>
        </>
      ) : null}
    </div>
  );
}
