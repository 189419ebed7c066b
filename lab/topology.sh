# Lab topology, sourced by up.sh and down.sh. Addresses (no route ever leaves the machine):
#   management  198.19.0.0/24  one /30 per node: root side .4i+1, node's eth0 .4i+2 (sshd listens there)
#   public IPs  198.18.1.i+1   on the node's eth0; the DZ IP when connected without -a
#   allocated   198.18.2.i+1   added to doublezero0 as /32 by `connect -a`
#   overlay     169.254.0.2i/31 underlay side, 169.254.0.2i+1 node side (doublezero0, mtu 1476)
#   peers       198.18.100.1-3 on the underlay namespace's lo, answered by lab/peer/main.ts
# shellcheck shell=bash
LAB_NODES=(lab-a lab-b lab-c lab-d lab-e lab-f)
LAB_PEERS=(198.18.100.1 198.18.100.2 198.18.100.3)
LAB_NS_PREFIX=fnhlab-
LAB_UNDERLAY_NS=fnhlab-underlay
LAB_USER=fnh
LAB_USER_COMMENT='fleet-network-health lab monitoring user'
LAB_LIVENESS_PORT=44880
LAB_MONIKER=lab
LAB_LOCK=/run/lock/fnh-lab.lock

# scenario for node index i (what up.sh does to it after the daemon is connected)
lab_scenario() {
  case $1 in
    0) echo stale-session ;;     # connect -a, disconnect, connect: the seed's sequence
    1) echo interface-down ;;    # ip link set doublezero0 down
    2) echo firewall-blocked ;;  # nft output drop of udp dport 44880 to the firewalled peer
    3) echo no-route ;;          # the route to the unrouted peer deleted
    *) echo healthy ;;
  esac
}
LAB_FIREWALLED_PEER=198.18.100.2
LAB_UNROUTED_PEER=198.18.100.3
