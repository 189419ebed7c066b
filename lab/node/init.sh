#!/bin/sh
# First process of one lab node (started by lab/up.sh): runs inside the node's network namespace and
# in its own UTS and mount namespaces, so the hostname, the private /run and the journalctl/systemctl
# shims exist for this node only. Mounts die with the node's last process; nothing touches the host.
#   usage: init.sh <node dir>   (the dir holds node.env, sshd_config, doublezerod.json, state.json)
set -eu
node_dir=$1
. "$node_dir/node.env"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

hostname "$FNH_NODE_NAME"

# A private /run: sshd's privsep dir and pid file, sudo's state, the daemon's socket and journal.
mount -t tmpfs -o mode=0755,size=64m fnh-lab-run /run
mkdir -p /run/sshd /run/fnh-lab /run/doublezerod
cp "$node_dir/node.env" "$node_dir/doublezerod.json" /run/fnh-lab/
cp "$node_dir/state.json" /run/fnh-lab/state.json
: >"$FNH_JOURNAL"
chmod 0644 "$FNH_JOURNAL"

# The node's own name resolves, as on a real host (sudo looks it up on every call).
{ cat /etc/hosts; printf '127.0.1.1\t%s\n' "$FNH_NODE_NAME"; } >/run/fnh-lab/hosts
mount --bind /run/fnh-lab/hosts /etc/hosts

# The shims (journalctl, systemctl, doublezero, doublezerod) appear at their real paths in /usr/bin, so the
# agent's commands and the sudoers rules (/usr/bin/systemctl) stay exactly what a real node uses: an overlay
# of /usr/bin in this mount namespace only. Without overlayfs, bind-mount over the files that exist and put
# the others in /usr/local/bin (also on PATH).
shims=/run/fnh-lab/usr-bin
mkdir -p "$shims/upper" "$shims/work"
for shim in journalctl systemctl doublezero doublezerod; do cp "$FNH_REPO/lab/shims/$shim" "$shims/upper/"; done
if ! mount -t overlay fnh-lab-usr-bin -o "lowerdir=/usr/bin,upperdir=$shims/upper,workdir=$shims/work" /usr/bin; then
  mkdir -p /run/fnh-lab/usr-local-bin
  for shim in journalctl systemctl doublezero doublezerod; do
    if [ -e "/usr/bin/$shim" ]; then mount --bind "$shims/upper/$shim" "/usr/bin/$shim"; else cp "$shims/upper/$shim" /run/fnh-lab/usr-local-bin/; fi
  done
  mount --bind /run/fnh-lab/usr-local-bin /usr/local/bin
fi

# The monitoring user's sudo rules, installed where an operator would put them, for this node only.
mount --bind "$FNH_LAB_RUN/sudoers.d" /etc/sudoers.d

/usr/sbin/sshd -f "$node_dir/sshd_config" -E "$node_dir/sshd.log"
systemctl start doublezerod

echo $$ >"$node_dir/holder.pid"
: >"$node_dir/ready"
exec sleep infinity
