#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh - install what building, testing and benchmarking atcp need, from
# Debian's packages (bookworm).  Idempotent: silent when all is there.
set -euo pipefail

# gcc, make; the kernel the VM boots and its Kbuild tree; checkpatch.pl;
# modprobe, depmod and the initramfs tools; the VM; network tools; tests,
# crafted segments and real applications; sparse; libFuzzer; the docs.
packages=(
	build-essential
	linux-image-amd64
	linux-headers-amd64
	linux-source-6.1
	kmod cpio gzip
	qemu-system-x86
	busybox-static
	iproute2 procps ethtool
	python3 python3-scapy
	iperf3 tcpdump curl
	sparse
	clang
	graphviz
	python3-docutils
)

want=()
for p in "${packages[@]}"; do
	for name in $p; do want+=("$name"); done
done

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "setup: installing ${missing[*]}"
log=$(mktemp)
if ! { $sudo apt-get update -q &&
       DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
		--no-install-recommends "${missing[@]}"; } > "$log" 2>&1; then
	cat "$log" >&2
	echo "setup: apt-get failed" >&2
	exit 1
fi
rm -f "$log"

# The VM boots the newest installed kernel; its headers must match.
kdir=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)
kver=${kdir#/usr/src/linux-headers-}
if [ ! -r "/boot/vmlinuz-$kver" ]; then
	echo "setup: no /boot/vmlinuz-$kver for headers $kdir" >&2
	exit 1
fi
