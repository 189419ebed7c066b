import { isIpv4, networkOf } from '../ipv4';
import { addRoute, deleteRoute, setLinkUp } from '../mutations';
import { renderIpAddr, renderIpLink, renderIpRoute, renderIpRule } from '../render/ip';
import { deriveRoutes } from '../routes';
import { findLink, type SimNodeState } from '../state';
import { fail, ok, type CommandResult } from './result';

// `ip` (iproute2 6.1): JSON listings of link/addr/route/rule; as root `link set DEV up|down` and
// `route add|del PREFIX [via GW] [dev DEV] [src SRC] [proto P]` (the remediation catalog's forms).
// Text output is not simulated: the probe and the actions always use -j.

const OBJECTS: Record<string, 'link' | 'addr' | 'route' | 'rule'> = {
  l: 'link',
  link: 'link',
  a: 'addr',
  addr: 'addr',
  address: 'addr',
  r: 'route',
  ro: 'route',
  route: 'route',
  ru: 'rule',
  rule: 'rule',
};

const notRoot = fail(2, 'RTNETLINK answers: Operation not permitted\n');

export function runIp(state: SimNodeState, argv: readonly string[], nowMs: number, root: boolean): CommandResult {
  let json = false;
  let detailed = false;
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const o = argv[i]!;
    if (o === '-j' || o === '-json') json = true;
    else if (o === '-d' || o === '-details') detailed = true;
    else if (o === '-jd' || o === '-dj') json = detailed = true;
    else return fail(255, `Option "${o}" is unknown, try "ip -help".\n`);
  }
  const object = OBJECTS[argv[i] ?? ''];
  if (!object) return fail(255, `Object "${argv[i] ?? ''}" is unknown, try "ip help".\n`);
  const verb = argv[i + 1] ?? 'show';
  const rest = argv.slice(i + 2);
  if (object === 'link' && verb === 'set') return linkSet(state, rest, nowMs, root);
  if (object === 'route' && (verb === 'add' || verb === 'del' || verb === 'delete'))
    return routeChange(state, verb === 'add' ? 'add' : 'del', rest, nowMs, root);
  if (!['show', 'list', 'ls', 'lst'].includes(verb)) return fail(255, `Command "${verb}" is unknown, try "ip ${object} help".\n`);
  if (!json) return fail(1, 'ip: only -j (JSON) output is simulated on this node\n');
  const opts = keywordArgs(rest);
  if ('exitCode' in opts) return opts;
  const dev = opts.dev;
  if (dev !== undefined && (object === 'link' || object === 'addr') && !findLink(state, dev)) return fail(1, `Device "${dev}" does not exist.\n`);
  switch (object) {
    case 'link':
      return ok(renderIpLink(state, detailed, dev));
    case 'addr':
      return ok(renderIpAddr(state, dev));
    case 'rule':
      return ok(renderIpRule());
    case 'route': {
      if (dev !== undefined && !findLink(state, dev)) return fail(1, `Cannot find device "${dev}"\n`);
      const table = opts.table ?? 'main';
      if (!['all', 'main', 'local', 'default', '254', '255', '253'].includes(table))
        return fail(1, `Error: argument "${table}" is wrong: "table" value is invalid\n\n`);
      const named = ({ '254': 'main', '255': 'local', '253': 'default' } as Record<string, string>)[table] ?? table;
      return ok(renderIpRoute(deriveRoutes(state), { table: named, protocol: opts.proto, dev }));
    }
  }
}

/** `dev X`, `table T`, `proto P`, or a bare device name for link/addr. */
function keywordArgs(rest: readonly string[]): { dev?: string; table?: string; proto?: string } | CommandResult {
  const out: { dev?: string; table?: string; proto?: string } = {};
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i]!;
    const v = rest[i + 1];
    if ((k === 'dev' || k === 'table' || k === 'proto' || k === 'protocol') && v !== undefined) {
      if (k === 'dev') out.dev = v;
      else if (k === 'table') out.table = v;
      else out.proto = v;
      i++;
    } else if (out.dev === undefined && /^[A-Za-z0-9._-]{1,15}$/.test(k) && !['dev', 'table', 'proto'].includes(k)) {
      out.dev = k;
    } else {
      return fail(255, `Error: either "to" is duplicate, or "${k}" is a garbage.\n`);
    }
  }
  return out;
}

function linkSet(state: SimNodeState, rest: readonly string[], nowMs: number, root: boolean): CommandResult {
  const words = rest[0] === 'dev' ? rest.slice(1) : rest;
  const [dev, action] = words;
  if (dev === undefined || (action !== 'up' && action !== 'down') || words.length !== 2)
    return fail(255, 'Error: only "ip link set [dev] DEV up|down" is simulated.\n');
  if (!findLink(state, dev)) return fail(1, `Cannot find device "${dev}"\n`);
  if (!root) return notRoot;
  setLinkUp(state, dev, action === 'up', nowMs);
  return ok('');
}

interface RouteSpec {
  dst: string;
  prefixlen: number;
  via?: string;
  dev?: string;
  src?: string;
  proto?: string;
}

function parseRouteSpec(words: readonly string[]): RouteSpec | CommandResult {
  const [prefix, ...rest] = words;
  const m = /^([0-9.]+)(?:\/(\d{1,2}))?$/.exec(prefix ?? '');
  if (!m || !isIpv4(m[1]!) || Number(m[2] ?? 32) > 32) return fail(1, `Error: any valid prefix is expected rather than "${prefix ?? ''}".\n`);
  const spec: RouteSpec = { dst: m[1]!, prefixlen: Number(m[2] ?? 32) };
  if (networkOf(spec.dst, spec.prefixlen) !== spec.dst) return fail(1, 'Error: Invalid prefix for given prefix length.\n');
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i]!;
    const v = rest[i + 1];
    if (v === undefined) return fail(1, `Command line is not complete. Try option "help"\n`);
    if (k === 'via' && isIpv4(v)) spec.via = v;
    else if (k === 'dev') spec.dev = v;
    else if (k === 'src' && isIpv4(v)) spec.src = v;
    else if (k === 'proto' || k === 'protocol') spec.proto = v;
    else return fail(255, `Error: either "to" is duplicate, or "${k}" is a garbage.\n`);
  }
  return spec;
}

function routeChange(state: SimNodeState, verb: 'add' | 'del', words: readonly string[], nowMs: number, root: boolean): CommandResult {
  const spec = parseRouteSpec(words);
  if ('exitCode' in spec) return spec;
  if (spec.dev !== undefined && !findLink(state, spec.dev)) return fail(1, `Cannot find device "${spec.dev}"\n`);
  if (!root) return notRoot;
  if (verb === 'del') {
    return deleteRoute(state, spec.dst, spec.prefixlen, spec.dev, nowMs) ? ok('') : fail(2, 'RTNETLINK answers: No such process\n');
  }
  if (!spec.dev || !spec.via) return fail(2, 'Error: only "ip route add PREFIX via GW dev DEV [src SRC] [proto P]" is simulated.\n');
  const dev = findLink(state, spec.dev)!;
  if (!dev.up) return fail(2, 'Error: Nexthop device is not up.\n');
  const routes = deriveRoutes(state);
  const onLink = routes.some(
    (r) => r.family === 4 && r.table === 'main' && r.dev === spec.dev && r.scope === 'link' && networkOf(spec.via!, r.prefixlen) === r.dst,
  );
  if (!onLink) return fail(2, 'Error: Nexthop has invalid gateway.\n');
  if (spec.src !== undefined && !state.addresses.some((a) => a.local === spec.src)) return fail(2, 'Error: Invalid prefsrc address.\n');
  if (state.installedRoutes.some((r) => r.dst === spec.dst && r.prefixlen === spec.prefixlen)) return fail(2, 'RTNETLINK answers: File exists\n');
  const protocol = spec.proto === undefined || spec.proto === 'boot' ? 'boot' : spec.proto === 'bgp' ? 'bgp' : 'static';
  addRoute(state, { dst: spec.dst, prefixlen: spec.prefixlen, gateway: spec.via, dev: spec.dev, src: spec.src, protocol }, nowMs);
  return ok('');
}
