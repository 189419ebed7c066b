#!/usr/bin/env bash
# Builds one pair of network namespaces per diagnosis scenario, reproduces the scenario with real
# kernel state and real UDP sends, and saves what a poll would collect as a bundle folder:
#   fixtures/bundles/<scenario>/{meta.json, ip-link.json, ip-addr.json, ip-route.json, ip-rule.json,
#   nft.json, journal.log}
# Run as root from the repository root:  sudo bash scripts/capture-fixtures/capture.sh [out-dir]
#
# Topology per scenario: namespace "node" (doublezero0 = a veth, since gre/dummy modules may be absent;
# eth0 = a veth with the node's public IP) and namespace "dzd" (the far end: overlay 169.254.0.2/31, the
# peers' DZ IPs on its loopback, an echo responder). Only documentation/test ranges and the seed's IPs
# are used, and only inside these namespaces. The namespaces are deleted afterwards.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-fixtures/bundles}"
SEND_SECONDS="${SEND_SECONDS:-12}"

DZ_IP=209.245.225.161          # the allocated DZ IP (connect -a), as in the seed
PUBLIC_IP=203.0.113.10         # the node's public IP (the DZ IP when connecting without -a)
PEERS=(216.238.110.55 198.18.7.55)
NS_PREFIX="fnhfx$$"
CREATED=()

cleanup() {
  for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
  for ns in "${CREATED[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "capture.sh: run as root" >&2; exit 1; }

# build_topology SCENARIO WITH_ALLOCATED_IP(yes|no) -> sets NODE_NS, DZD_NS
build_topology() {
  local scenario="$1" allocated="$2"
  NODE_NS="${NS_PREFIX}-${scenario:0:6}-n"
  DZD_NS="${NS_PREFIX}-${scenario:0:6}-d"
  ip netns add "$NODE_NS"; CREATED+=("$NODE_NS")
  ip netns add "$DZD_NS"; CREATED+=("$DZD_NS")
  local n=(ip -n "$NODE_NS") d=(ip -n "$DZD_NS")
  "${n[@]}" link set lo up
  "${d[@]}" link set lo up
  # the tunnel: doublezero0 (MTU 1476 like the GRE tunnel) with the client's upper /31 address
  "${n[@]}" link add doublezero0 mtu 1476 type veth peer name dzd0 netns "$DZD_NS"
  "${n[@]}" addr add 169.254.0.3/31 dev doublezero0
  "${d[@]}" addr add 169.254.0.2/31 dev dzd0
  "${n[@]}" link set doublezero0 up
  "${d[@]}" link set dzd0 mtu 1476 up
  # the public side
  "${n[@]}" link add eth0 type veth peer name uplink netns "$DZD_NS"
  "${n[@]}" addr add "$PUBLIC_IP/24" dev eth0
  "${d[@]}" addr add 203.0.113.1/24 dev uplink
  "${n[@]}" link set eth0 up
  "${d[@]}" link set uplink up
  for peer in "${PEERS[@]}"; do "${d[@]}" addr add "$peer/32" dev lo; done
  local src="$PUBLIC_IP"
  if [ "$allocated" = yes ]; then
    "${n[@]}" addr add "$DZ_IP/32" dev doublezero0
    "${d[@]}" route add "$DZ_IP/32" via 169.254.0.3 dev dzd0
    src="$DZ_IP"
  fi
  # what the daemon's BGP installs: one /32 per peer, proto bgp, src = the DZ IP
  for peer in "${PEERS[@]}"; do
    "${n[@]}" route add "$peer/32" via 169.254.0.2 dev doublezero0 proto bgp src "$src"
  done
  ip netns exec "$DZD_NS" node "$HERE/echo-peer.mjs" "${PEERS[@]}" &
  ECHO_PID=$!
}

sessions_for() { # LOCAL_IP -> "doublezero0,local,peer;..."
  local local_ip="$1" out="" peer
  for peer in "${PEERS[@]}"; do out+="doublezero0,${local_ip},${peer};"; done
  printf '%s' "$out"
}

# run_scenario SCENARIO SESSIONS MUTATE_FUNCTION -> writes $WORK/events.jsonl, sets SENDER_PID
run_scenario() {
  local scenario="$1" sessions="$2" mutate="$3"
  rm -f "$WORK/ready" "$WORK/go"
  ip netns exec "$NODE_NS" node "$HERE/liveness-sender.mjs" --sessions "$sessions" --ready "$WORK/ready" --go "$WORK/go" --seconds "$SEND_SECONDS" >"$WORK/events.jsonl" &
  SENDER_PID=$!
  for _ in $(seq 1 100); do [ -f "$WORK/ready" ] && break; sleep 0.1; done
  [ -f "$WORK/ready" ] || { echo "capture.sh: $scenario: sender never got ready" >&2; exit 1; }
  "$mutate"
  touch "$WORK/go"
  wait "$SENDER_PID"
}

# save_bundle SCENARIO NODE_NAME JOURNAL_FORM
save_bundle() {
  local scenario="$1" node_name="$2" form="$3" dir="$OUT/$1"
  mkdir -p "$dir"
  rm -f "$dir"/*
  ip -n "$NODE_NS" -j -d link show >"$dir/ip-link.json"
  ip -n "$NODE_NS" -j addr show >"$dir/ip-addr.json"
  ip -n "$NODE_NS" -j route show table all >"$dir/ip-route.json"
  ip -n "$NODE_NS" -j rule show >"$dir/ip-rule.json"
  ip netns exec "$NODE_NS" nft -j list ruleset >"$dir/nft.json"
  node "$HERE/journal-form.mjs" "$form" "$node_name" "$SENDER_PID" <"$WORK/events.jsonl" >"$dir/journal.log"
  printf '{"node":"%s","collectedAt":"%s"}\n' "$node_name" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >"$dir/meta.json"
  kill "$ECHO_PID" 2>/dev/null || true
  wait "$ECHO_PID" 2>/dev/null || true
  ip netns del "$NODE_NS"
  ip netns del "$DZD_NS"
  echo "captured $dir ($(grep -c . "$dir/journal.log") journal lines)"
}

nothing() { :; }
delete_link() { ip -n "$NODE_NS" link del doublezero0; }
link_down() { ip -n "$NODE_NS" link set doublezero0 down; }
withdraw_routes() { for peer in "${PEERS[@]}"; do ip -n "$NODE_NS" route del "$peer/32"; done; }
# The seed: disconnect (the allocated /32 and its routes go away) and reconnect without -a: BGP
# reinstalls the routes with src = the public IP, but the old sessions keep sending from the /32.
reconnect_without_allocated_ip() {
  ip -n "$NODE_NS" addr del "$DZ_IP/32" dev doublezero0
  for peer in "${PEERS[@]}"; do
    ip -n "$NODE_NS" route replace "$peer/32" via 169.254.0.2 dev doublezero0 proto bgp src "$PUBLIC_IP"
  done
  ip -n "$DZD_NS" route replace "$PUBLIC_IP/32" via 169.254.0.3 dev dzd0
}
drop_liveness_to_first_peer() {
  ip netns exec "$NODE_NS" nft -f - <<NFT
table inet filter {
  chain output {
    type filter hook output priority filter; policy accept;
    ip daddr ${PEERS[0]} udp dport 44880 counter drop comment "block liveness to one peer"
  }
}
NFT
}

WORK="$(mktemp -d)"
mkdir -p "$OUT"

build_topology healthy yes
run_scenario healthy "$(sessions_for "$DZ_IP")" nothing
save_bundle healthy fixture-healthy syslog

build_topology interface-missing yes
run_scenario interface-missing "$(sessions_for "$DZ_IP")" delete_link
save_bundle interface-missing fixture-interface-missing json

build_topology interface-down yes
run_scenario interface-down "$(sessions_for "$DZ_IP")" link_down
save_bundle interface-down fixture-interface-down cat

build_topology stale-session yes
# the old sessions (allocated IP) and, after the reconnect, new ones from the public IP
run_scenario stale-session "$(sessions_for "$DZ_IP")$(sessions_for "$PUBLIC_IP")" reconnect_without_allocated_ip
save_bundle stale-session dfw-mn-bm1 bytes

build_topology no-route yes
run_scenario no-route "$(sessions_for "$DZ_IP")" withdraw_routes
save_bundle no-route fixture-no-route syslog

build_topology firewall-blocked yes
run_scenario firewall-blocked "$(sessions_for "$DZ_IP")" drop_liveness_to_first_peer
save_bundle firewall-blocked fixture-firewall-blocked json

# The seed's own journal line over the stale-session capture's kernel state, collected shortly after it.
SEED_DIR="$OUT/seed-line"
mkdir -p "$SEED_DIR"
rm -f "$SEED_DIR"/*
for f in ip-link.json ip-addr.json ip-route.json ip-rule.json nft.json; do cp "$OUT/stale-session/$f" "$SEED_DIR/$f"; done
cp "$HERE/seed-journal.log" "$SEED_DIR/journal.log"
printf '{"node":"dfw-mn-bm1","collectedAt":"2025-11-30T19:40:00Z"}\n' >"$SEED_DIR/meta.json"
echo "captured $SEED_DIR (seed line)"

rm -rf "$WORK"
