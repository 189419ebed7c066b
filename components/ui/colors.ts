import type { CheckStatus } from '@/lib/fleet/check';
import type { Verdict } from '@/lib/diagnosis/verdict-schema';

// One palette for every grid and the legend. Unknown is slate with a dashed ring: visibly neither green nor red.
export const checkStatusClass: Record<CheckStatus, string> = {
  ok: 'bg-green-700/70 text-green-50',
  warn: 'bg-yellow-600/70 text-yellow-50',
  fail: 'bg-red-700/80 text-red-50',
  unknown: 'bg-slate-800 text-slate-300 outline-1 outline-dashed outline-slate-400/70 -outline-offset-2',
};

export const checkStatusMeaning: Record<CheckStatus, string> = {
  ok: 'fresh data, check passes',
  warn: 'fresh data, something to look at',
  fail: 'fresh data, check fails',
  unknown: 'no fresh data (stale, pending or poll failing): neither healthy nor down',
};

export const verdictClass: Record<Verdict, string> = {
  healthy: 'bg-green-700/70 text-green-50',
  unknown: 'bg-slate-700/60 text-slate-300',
  'interface-missing': 'bg-red-900 text-red-50',
  'interface-down': 'bg-red-800 text-red-50',
  'stale-session': 'bg-orange-600 text-orange-50',
  'no-route': 'bg-rose-600 text-rose-50',
  'firewall-blocked': 'bg-purple-700 text-purple-50',
  // blue, never red or green, with a dotted ring: "cause gone, warnings still in the window" (colour-blind safe)
  recovering: 'bg-sky-700 text-sky-50 outline-1 outline-dotted outline-sky-200/80 -outline-offset-2',
};

/** Same colours as verdictClass, for canvas and inline styles. */
export const verdictColor: Record<Verdict, string> = {
  healthy: '#15803d',
  unknown: '#334155',
  'interface-missing': '#7f1d1d',
  'interface-down': '#991b1b',
  'stale-session': '#ea580c',
  'no-route': '#e11d48',
  'firewall-blocked': '#7e22ce',
  recovering: '#0369a1',
};

export const verdictMeaning: Record<Verdict, string> = {
  unknown: 'no fresh data for the node (SSH failed, poll stale)',
  'interface-missing': "the session's interface is absent",
  'interface-down': 'the interface exists but is not UP',
  'stale-session': "the session's local IP is not on the interface (seed bug)",
  'no-route': 'no route to the peer through the interface',
  'firewall-blocked': 'an output rule drops or rejects UDP 44880 to the peer',
  recovering: 'the cause is gone (daemon restarted, address back, interface back, or the daemon fell silent) but its warnings are still in the window',
  healthy: 'none of the above and no failing session to the peer',
};
