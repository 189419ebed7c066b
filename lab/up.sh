#!/usr/bin/env bash
# Builds the lab from nothing (as root): an underlay namespace holding the peers, and per node a
# network namespace with its own hostname, Debian's OpenSSH on a management veth, a doublezero0 veth
# toward the underlay, the stand-in doublezerod, and the node's scenario (see topology.sh).
# Idempotent: it tears down any previous lab first. Writes lab/.run/{inventory.yaml,known_hosts,
# id_ed25519,lab.json}. Usage: lab/up.sh
set -euo pipefail
cd "$(dirname "$0")"
LAB_DIR=$(pwd)
REPO=$(cd .. && pwd)
RUN=$LAB_DIR/.run
source ./topology.sh
lab_take_lock lab/up.sh
NODE_BIN=$(command -v node)
for tool in ip nft unshare nsenter sshd sudo visudo ssh-keygen useradd curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "lab/up.sh: missing $tool" >&2; exit 1; }
done

trap 'echo "lab/up.sh failed (line $LINENO); lab/down.sh removes what was built" >&2' ERR
FNH_LAB_LOCK_HELD=1 ./down.sh >/dev/null
mkdir -p "$RUN/nodes" "$RUN/sudoers.d"
chmod 0755 "$RUN"

quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# --- credentials: the agent's key, the monitoring user, its sudo rules ----------------------------
ssh-keygen -q -t ed25519 -N '' -C fnh-lab-agent -f "$RUN/id_ed25519"
useradd --create-home --home-dir "/home/$LAB_USER" --shell /bin/sh --comment "$LAB_USER_COMMENT" "$LAB_USER"
usermod -p '*' "$LAB_USER"  # no password, but not "locked": sshd refuses locked accounts for any auth
install -d -m 0700 -o "$LAB_USER" -g "$LAB_USER" "/home/$LAB_USER/.ssh"
install -m 0600 -o "$LAB_USER" -g "$LAB_USER" "$RUN/id_ed25519.pub" "/home/$LAB_USER/.ssh/authorized_keys"
# The same least-privilege file an operator installs on a real node: generated from the action catalog.
(cd "$REPO" && "$NODE_BIN" --import tsx scripts/sudoers.ts) >"$RUN/sudoers.fnh"
visudo -cqf "$RUN/sudoers.fnh"
install -m 0440 -o root -g root "$RUN/sudoers.fnh" "$RUN/sudoers.d/fnh"

# --- the stand-in daemon and the peers, bundled once (esbuild, which tsx ships): a daemon then starts in a
# fraction of the time `node --import tsx` takes, which is most of lab:up and of every restart
mkdir -p "$RUN/bin"
(cd "$REPO" && node_modules/.bin/esbuild lab/daemon/main.ts --bundle --platform=node --format=esm --target=node20 \
  --log-level=warning --outfile="$RUN/bin/doublezerod.mjs" && node_modules/.bin/esbuild lab/peer/main.ts --bundle \
  --platform=node --format=esm --target=node20 --log-level=warning --outfile="$RUN/bin/peers.mjs")

# --- underlay: the peers' addresses --------------------------------------------------------------
ip netns add "$LAB_UNDERLAY_NS"
ip -n "$LAB_UNDERLAY_NS" link set lo up
all_peers=()
for k in $(seq 1 "$LAB_ALL_PEER_COUNT"); do all_peers+=("198.18.100.$k"); done
# one ip process for all 200 aliases: keeps lab:up fast
for peer in "${all_peers[@]}"; do echo "addr add $peer/32 dev lo"; done | ip -n "$LAB_UNDERLAY_NS" -batch -
ip netns exec "$LAB_UNDERLAY_NS" sysctl -qw net.ipv4.conf.all.rp_filter=0
json_list() { local out; out=$(printf '"%s",' "$@"); echo "[${out%,}]"; }
peers_json=$(json_list "${LAB_PEERS[@]}")
cat >"$RUN/peers.json" <<JSON
{"peers":$(json_list "${all_peers[@]}"),"livenessPort":$LAB_LIVENESS_PORT,"onLinkRelayPort":$LAB_ONLINK_RELAY_PORT}
JSON
(exec ip netns exec "$LAB_UNDERLAY_NS" setsid "$NODE_BIN" "$RUN/bin/peers.mjs" "$RUN/peers.json" \
  </dev/null >"$RUN/peers.log" 2>&1 9>&- &)

# --- nodes ----------------------------------------------------------------------------------------
# Each node is built in its own background job (the ip/ssh-keygen calls of 7 nodes in a row took ~10 s).
build_node() {
  local i=$1
  name=${LAB_NODES[$i]}
  ns=$LAB_NS_PREFIX$name
  dir=$RUN/nodes/$name
  mgmt_root=198.19.0.$((4 * i + 1)) mgmt_node=198.19.0.$((4 * i + 2))
  public=198.18.1.$((i + 1)) allocated=198.18.2.$((i + 1))
  overlay_ul=169.254.0.$((2 * i)) overlay_node=169.254.0.$((2 * i + 1))
  mkdir -p "$dir"

  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # management: root namespace <-> node eth0, a /30 that routes nowhere else
  ip link add "fnhm-$name" type veth peer name eth0 netns "$ns"
  ip addr add "$mgmt_root/30" dev "fnhm-$name"
  ip link set "fnhm-$name" up
  ip -n "$ns" addr add "$mgmt_node/30" dev eth0
  ip -n "$ns" addr add "$public/32" dev eth0
  ip -n "$ns" link set eth0 up
  # doublezero0: the tunnel, a veth whose other end sits in the underlay
  ip -n "$ns" link add doublezero0 mtu 1476 type veth peer name "dz-$name" netns "$LAB_UNDERLAY_NS" mtu 1476
  ip -n "$ns" addr add "$overlay_node/31" dev doublezero0
  ip -n "$ns" link set doublezero0 up
  ip -n "$LAB_UNDERLAY_NS" addr add "$overlay_ul/31" dev "dz-$name"
  ip -n "$LAB_UNDERLAY_NS" link set "dz-$name" up
  # the underlay reaches the node's DZ IPs (public and allocated) through its tunnel
  ip -n "$LAB_UNDERLAY_NS" route add "$public/32" via "$overlay_node" dev "dz-$name"
  ip -n "$LAB_UNDERLAY_NS" route add "$allocated/32" via "$overlay_node" dev "dz-$name"
  multicast_json=null
  if lab_multicast "$i"; then
    # doublezero1: the multicast tunnel (internal/services/multicast.go), a subscriber: overlay /31 and a
    # static route for its group through the tunnel; no liveness sessions
    mc_ul=169.254.1.$((2 * i)) mc_node=169.254.1.$((2 * i + 1))
    ip -n "$ns" link add doublezero1 mtu 1476 type veth peer name "dm-$name" netns "$LAB_UNDERLAY_NS" mtu 1476
    ip -n "$ns" addr add "$mc_node/31" dev doublezero1
    ip -n "$ns" link set doublezero1 up
    ip -n "$ns" route add "$LAB_MULTICAST_GROUP/32" via "$mc_ul" dev doublezero1 proto static
    ip -n "$LAB_UNDERLAY_NS" addr add "$mc_ul/31" dev "dm-$name"
    ip -n "$LAB_UNDERLAY_NS" link set "dm-$name" up
    multicast_json='{"interfaceName":"doublezero1","overlayPeer":"'"$mc_ul"'","overlayLocal":"'"$mc_node"'","subscribeGroups":["'"$LAB_MULTICAST_GROUP"'"]}'
  fi
  node_peers=()
  for k in $(seq 1 "$(lab_peer_count "$i")"); do node_peers+=("198.18.100.$k"); done

  ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
  cat >"$dir/sshd_config" <<CONF
# sshd for lab node $name (lab/up.sh); nothing from the host's sshd_config is included.
ListenAddress $mgmt_node
Port 22
HostKey $dir/ssh_host_ed25519_key
PidFile /run/sshd.pid
AllowUsers $LAB_USER
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
StrictModes yes
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
MaxSessions 32
MaxStartups 64:30:128
LogLevel ERROR
Subsystem sftp internal-sftp
CONF
  cat >"$dir/node.env" <<ENV
FNH_NODE_NAME=$(quote "$name")
FNH_REPO=$(quote "$REPO")
FNH_LAB_RUN=$(quote "$RUN")
FNH_NODE_BIN=$(quote "$NODE_BIN")
FNH_DAEMON_JS=$(quote "$RUN/bin/doublezerod.mjs")
DOUBLEZEROD_CONFIG=/run/fnh-lab/doublezerod.json
DOUBLEZEROD_FLAGS=$(quote "$(lab_daemon_flags "$i")")
FNH_JOURNAL=/run/fnh-lab/journal.tsv
FNH_PIDFILE=/run/doublezerod/doublezerod.pid
FNH_SOCKET=/run/doublezerod/doublezerod.sock
FNH_SYSTEMCTL_SHOW=/run/fnh-lab/systemctl-show.txt
ENV
  cat >"$dir/doublezerod.json" <<JSON
{"clientVersion":"$(lab_version "$i")","moniker":"$LAB_MONIKER","livenessPort":$LAB_LIVENESS_PORT,
 "onLinkRelayPort":$LAB_ONLINK_RELAY_PORT,
 "unicast":{"interfaceName":"doublezero0","overlayPeer":"$overlay_ul","overlayLocal":"$overlay_node",
  "publicIp":"$public","allocatedIp":"$allocated","peers":$(json_list "${node_peers[@]}")},
 "multicast":$multicast_json,
 "controlSocketPath":"/run/doublezerod/control.sock","statePath":"/run/fnh-lab/state.json",
 "pidPath":"/run/doublezerod/doublezerod.pid","journalPath":"/run/fnh-lab/journal.tsv",
 "systemctlShowPath":"/run/fnh-lab/systemctl-show.txt","versionPath":"/run/fnh-lab/doublezerod-version.txt"}
JSON
  # Every node but the seed node boots already connected (without -a); the seed node connects below.
  scenario=$(lab_scenario "$i")
  if [ "$scenario" = stale-session ]; then connected=false; else connected=true; fi
  echo "{\"connected\":$connected,\"allocate\":false}" >"$dir/state.json"

  (exec ip netns exec "$ns" setsid unshare --uts --mount --propagation private --fork -- sh "$LAB_DIR/node/init.sh" "$dir" \
    </dev/null >"$dir/init.log" 2>&1 9>&- &)
}
node_jobs=()
for i in "${!LAB_NODES[@]}"; do build_node "$i" & node_jobs+=($!); done
for job in "${node_jobs[@]}"; do wait "$job"; done

# --- wait for every node's sshd and daemon ---------------------------------------------------------
for name in "${LAB_NODES[@]}"; do
  for _ in $(seq 1 600); do
    [ -e "$RUN/nodes/$name/ready" ] && break
    sleep 0.1
  done
  [ -e "$RUN/nodes/$name/ready" ] || { echo "lab/up.sh: node $name did not start:" >&2; cat "$RUN/nodes/$name/init.log" >&2; exit 1; }
done

in_node() {  # in_node <name> <command...>: run inside the node's network, UTS and mount namespaces
  local pid
  pid=$(cat "$RUN/nodes/$1/holder.pid"); shift
  nsenter -t "$pid" -n -u -m -- "$@"
}

# --- scenarios -------------------------------------------------------------------------------------
for i in "${!LAB_NODES[@]}"; do
  name=${LAB_NODES[$i]}
  ns=$LAB_NS_PREFIX$name
  case $(lab_scenario "$i") in
    stale-session)
      # the seed's sequence, through the doublezero CLI
      (in_node "$name" doublezero connect ibrl -a && in_node "$name" doublezero disconnect && in_node "$name" doublezero connect ibrl) &
      ;;
    interface-down) ip -n "$ns" link set doublezero0 down ;;
    firewall-blocked)
      ip netns exec "$ns" nft -f - <<NFT
table inet filter {
  chain output {
    type filter hook output priority filter; policy accept;
    ip daddr $LAB_FIREWALLED_PEER udp dport $LAB_LIVENESS_PORT drop
  }
}
NFT
      ;;
    no-route) ip -n "$ns" route del "$LAB_UNROUTED_PEER/32" dev doublezero0 ;;
    multicast-down) ip -n "$ns" link set doublezero1 down ;;
  esac
done
wait

# --- inventory, known_hosts, lab description --------------------------------------------------------
{
  echo "# generated by lab/up.sh; paths are relative to this file"
  echo "defaults: { user: $LAB_USER, keyPath: ./id_ed25519, knownHostsPath: ./known_hosts }"
  echo "nodes:"
  for i in "${!LAB_NODES[@]}"; do
    echo "  - { name: ${LAB_NODES[$i]}, host: 198.19.0.$((4 * i + 2)), port: 22, site: lab, tags: [lab, $(lab_scenario "$i")] }"
  done
} >"$RUN/inventory.yaml"
: >"$RUN/known_hosts"
for i in "${!LAB_NODES[@]}"; do
  echo "198.19.0.$((4 * i + 2)) $(cut -d' ' -f1,2 "$RUN/nodes/${LAB_NODES[$i]}/ssh_host_ed25519_key.pub")" >>"$RUN/known_hosts"
done
{
  echo '{"livenessPort":'"$LAB_LIVENESS_PORT"',"peers":'"$peers_json"',"firewalledPeer":"'"$LAB_FIREWALLED_PEER"'","unroutedPeer":"'"$LAB_UNROUTED_PEER"'","nodes":['
  for i in "${!LAB_NODES[@]}"; do
    name=${LAB_NODES[$i]}
    [ "$i" -gt 0 ] && echo ','
    node_peers=()
    for k in $(seq 1 "$(lab_peer_count "$i")"); do node_peers+=("198.18.100.$k"); done
    multicast=false; lab_multicast "$i" && multicast=true
    printf '{"name":"%s","netns":"%s","host":"198.19.0.%d","publicIp":"198.18.1.%d","allocatedIp":"198.18.2.%d","overlayPeer":"169.254.0.%d","scenario":"%s","holderPid":%s,"version":"%s","daemonFlags":"%s","multicast":%s,"peers":%s}' \
      "$name" "$LAB_NS_PREFIX$name" $((4 * i + 2)) $((i + 1)) $((i + 1)) $((2 * i)) "$(lab_scenario "$i")" "$(cat "$RUN/nodes/$name/holder.pid")" \
      "$(lab_version "$i")" "$(lab_daemon_flags "$i")" "$multicast" "$(json_list "${node_peers[@]}")"
  done
  echo ']}'
} >"$RUN/lab.json"
echo "lab: up (${#LAB_NODES[@]} nodes); inventory: $RUN/inventory.yaml"
