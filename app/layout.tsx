import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { getFleetSource } from '@/lib/services/get-fleet-source';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Fleet network health',
  description: 'doublezerod fleet reachability, diagnosis and triage',
};

// The fleet source comes from the server's environment at request time, not at build time.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  const source = getFleetSource();
  return (
    <html lang="en">
      <body className="min-h-screen text-sm">
        <header className="flex items-center gap-6 border-b border-slate-800 bg-slate-950 px-4 py-2">
          <Link href="/" className="font-semibold tracking-wide text-slate-100">
            Fleet network health
          </Link>
          <nav className="flex gap-4 text-slate-300" aria-label="Main">
            <Link href="/" className="hover:text-white">Fleet</Link>
            <Link href="/peers" className="hover:text-white">Peers</Link>
            <Link href="/alerts" className="hover:text-white">Alerts</Link>
            <Link href="/remediation" className="hover:text-white">Remediation</Link>
            <Link href="/audit" className="hover:text-white">Audit</Link>
          </nav>
          {source === 'simulated' ? (
            <div role="status" className="ml-auto rounded bg-amber-500/20 px-3 py-1 font-semibold text-amber-300 ring-1 ring-amber-500/50">
              Simulated fleet
            </div>
          ) : null}
        </header>
        <Providers>
          <main className="px-4 py-3">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
