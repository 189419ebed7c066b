import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { BarNav, MenuNav, type NavLink } from '@/components/ui/MainNav';
import { getFleetSource } from '@/lib/fleet/store/get-fleet-source';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Fleet network health',
  description: 'doublezerod fleet reachability, diagnosis and triage',
};

// The fleet source comes from the server's environment at request time, not at build time.
export const dynamic = 'force-dynamic';

const navLinks: NavLink[] = [
  { href: '/', label: 'Fleet' },
  { href: '/peers', label: 'Peers' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/remediation', label: 'Remediation' },
  { href: '/audit', label: 'Audit' },
  { href: '/admin/users', label: 'Accounts' },
];

export default function RootLayout({ children }: { children: ReactNode }) {
  const source = getFleetSource();
  return (
    <html lang="en">
      <body className="min-h-screen text-sm">
        {/* sticky, one fixed height: the "Simulated fleet" badge stays in view, and panes that cover the page on a phone start below it (top-12) */}
        <header className="sticky top-0 z-50 flex h-12 items-center gap-3 border-b border-slate-800 bg-slate-950 px-3 sm:gap-6 sm:px-4">
          <MenuNav links={navLinks} />
          <Link href="/" className="min-w-0 truncate font-semibold tracking-wide text-slate-100">
            Fleet network health
          </Link>
          <BarNav links={navLinks} />
          {source === 'simulated' ? (
            <div
              role="status"
              className="ml-auto shrink-0 rounded bg-amber-500/20 px-3 py-1 font-semibold whitespace-nowrap text-amber-300 ring-1 ring-amber-500/50"
            >
              Simulated fleet
            </div>
          ) : null}
        </header>
        <Providers>
          <main className="px-3 py-3 sm:px-4">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
