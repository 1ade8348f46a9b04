#!/bin/sh
# The sandbox's set-up (instructor/grading/sandbox.py runs it with sh inside unshare's
# namespaces, $SANDBOX_CWD and $SANDBOX_SCRATCH_MB set).
# Runs as root of the new namespaces, then drops every capability and runs the
# kernel. Arguments: the folders that stay writable, "--", the paths to hide, "--",
# the folders that stay readable (Python's environment, the course package) even
# under the fresh /tmp, "--", the kernel command. Each folder to keep is bound under
# /mnt first, then bound back at its place once /tmp is replaced.
set -e
mount --make-rprivate /
mount -t tmpfs -o size=64m,mode=700 tmpfs /mnt
n=0
stage() {
    n=$((n + 1)); mkdir /mnt/$n
    if [ "$1" = ro ]; then mount --rbind "$2" /mnt/$n; else mount --bind "$2" /mnt/$n; fi
    printf '%s\n%s\n' "$1" "$2" > /mnt/$n.where
}
while [ "$1" != "--" ]; do stage rw "$1"; shift; done
shift
while [ "$1" != "--" ]; do
    if [ -d "$1" ]; then mount -t tmpfs -o size=1m,mode=000 tmpfs "$1"
    elif [ -e "$1" ]; then mount --bind /dev/null "$1"; fi
    shift
done
shift
while [ "$1" != "--" ]; do stage ro "$1"; shift; done
shift
mount -o remount,bind,ro /
mount -t tmpfs -o size=${SANDBOX_SCRATCH_MB}m,mode=1777 tmpfs /tmp
mount -t tmpfs -o size=64m,mode=1777 tmpfs /dev/shm
for kind in ro rw; do
    i=0
    while [ $i -lt $n ]; do
        i=$((i + 1))
        [ "$(sed -n 1p /mnt/$i.where)" = $kind ] || continue
        folder=$(sed -n 2p /mnt/$i.where)
        mkdir -p "$folder"
        if [ $kind = ro ]; then
            mount --rbind /mnt/$i "$folder" && mount -o remount,bind,ro "$folder"
        else
            mount --bind /mnt/$i "$folder"
        fi
    done
done
umount -l /mnt
mkdir -p /tmp/home /tmp/matplotlib /tmp/ipython
export HOME=/tmp/home MPLCONFIGDIR=/tmp/matplotlib IPYTHONDIR=/tmp/ipython
cd "$SANDBOX_CWD"
exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- "$@"
