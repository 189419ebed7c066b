# Lab topology, sourced by up.sh and down.sh. Addresses (no route ever leaves the machine):
#   management  198.19.0.0/24  one /30 per node: root side .4i+1, node's eth0 .4i+2 (sshd listens there)
#   public IPs  198.18.1.i+1   on the node's eth0; the DZ IP when connected without -a
#   allocated   198.18.2.i+1   added to doublezero0 as /32 by `connect -a`
#   overlay     169.254.0.2i/31 underlay side, 169.254.0.2i+1 node side (doublezero0, mtu 1476)
#   multicast   169.254.1.2i/31 the same for doublezero1 on multicast nodes; group 233.84.178.1
#   peers       198.18.100.1-200 on the underlay namespace's lo, answered by lab/peer/main.ts; most nodes
#               use the first 3, the seed node all 200 (upstream's global send-warning throttle needs many)
# shellcheck shell=bash
LAB_NODES=(lab-a lab-b lab-c lab-d lab-e lab-f lab-g)
LAB_PEERS=(198.18.100.1 198.18.100.2 198.18.100.3)
LAB_ALL_PEER_COUNT=200
LAB_NS_PREFIX=fnhlab-
LAB_UNDERLAY_NS=fnhlab-underlay
LAB_USER=fnh
LAB_USER_COMMENT='fleet-network-health lab monitoring user'
LAB_LIVENESS_PORT=44880
# where a node's stand-in hands the packets that upstream's pinned send would put on-link (see README)
LAB_ONLINK_RELAY_PORT=44881
LAB_MONIKER=testnet
LAB_MULTICAST_GROUP=233.84.178.1
LAB_LOCK=/run/lock/fnh-lab.lock

# How up.sh and down.sh start: as root, and one lab per machine: wait for whoever holds the lab (a test
# run holds it for its whole life and tells us with FNH_LAB_LOCK_HELD=1). $1 names the script in errors.
lab_take_lock() {
  local me=$1
  [ "$(id -u)" -eq 0 ] || { echo "$me: must run as root" >&2; exit 1; }
  if [ -z "${FNH_LAB_LOCK_HELD:-}" ]; then
    mkdir -p "$(dirname "$LAB_LOCK")"
    exec 9>"$LAB_LOCK"
    flock -w 300 9 || { echo "$me: another lab run holds $LAB_LOCK" >&2; exit 1; }
  fi
}

# scenario for node index i (what up.sh does to it after the daemon is connected)
lab_scenario() {
  case $1 in
    0) echo stale-session ;;     # connect -a, disconnect, connect: the seed's sequence, 200 peers
    1) echo interface-down ;;    # ip link set doublezero0 down
    2) echo firewall-blocked ;;  # nft output drop of udp dport 44880 to the firewalled peer
    3) echo no-route ;;          # the route to the unrouted peer deleted
    6) echo multicast-down ;;    # unicast and multicast (doublezero1); doublezero1 set down
    *) echo healthy ;;
  esac
}

# the upstream client version node i runs (each range of docs/doublezerod-model.md has a node)
lab_version() {
  case $1 in
    0) echo 0.8.0 ;;  # the seed bug's last version; `session up` at DEBUG, unknown-peer at WARN
    1) echo 0.7.1 ;;  # the first with `peer` (a Down session backs off to 1 s, so the fix shows at once)
    2) echo 0.7.0 ;;  # the send warning has no `peer`
    3) echo 0.8.3 ;;  # passive by default
    5) echo 0.8.1 ;;  # withdraws sessions on disconnect (PR 2380); a Down session backs off to 1 min
    6) echo 0.10.0 ;; # serves GET /v2/status (its services show unicast and multicast)
    *) echo 0.8.3 ;;
  esac
}

# doublezerod's flags on node i: the upstream unit's ExecStart (cmd/doublezerod/doublezerod.service), plus
# passive liveness where it is not yet the default (< v0.8.3), plus metrics on two nodes: one on upstream's
# default random port (localhost:0), one on a fixed address.
lab_daemon_flags() {
  local flags='-sock-file /run/doublezerod/doublezerod.sock -env testnet'
  case $(lab_version "$1") in 0.7.*|0.8.0|0.8.1|0.8.2) flags+=' -route-liveness-enable-passive' ;; esac
  case $1 in
    0) flags+=' -metrics-enable -metrics-addr localhost:0' ;;
    3) flags+=' -metrics-enable -metrics-addr 127.0.0.1:2113' ;;
  esac
  echo "$flags"
}

# how many of the underlay's peers node i has routes and sessions to
lab_peer_count() {
  case $1 in
    0) echo "$LAB_ALL_PEER_COUNT" ;;
    *) echo "${#LAB_PEERS[@]}" ;;
  esac
}

# the node runs the multicast service (doublezero1) besides unicast
lab_multicast() { [ "$(lab_scenario "$1")" = multicast-down ]; }

LAB_FIREWALLED_PEER=198.18.100.2
LAB_UNROUTED_PEER=198.18.100.3
