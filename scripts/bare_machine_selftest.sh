#!/usr/bin/env bash
# CI's bare-machine test (issue 18): unpack the bundle's tar.gz into a minimal Debian 12 root that holds nothing
# but debootstrap's minbase and the libraries of packaging/debian-depends.txt, then run `dutyroom-cli selftest`
# there with no network (unshare -n chroot). Needs root (debootstrap, chroot, unshare).
#   scripts/bare_machine_selftest.sh [OUT_DIR]      (default dist/bare-selftest)
# The prepared root is cached as a tarball in /var/tmp keyed by the package list, so a second run starts from a
# clean copy of it without downloading again.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
TARBALL="$PWD/dist/dutyroom-$VERSION-linux-x86_64.tar.gz"
OUT="$(realpath -m "${1:-dist/bare-selftest}")"
MIRROR="${DUTYROOM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
[ -f "$TARBALL" ] || { echo "[bare] $TARBALL missing: run ./setup.sh bundle first"; exit 2; }

packages=$(grep -v '^#' packaging/debian-depends.txt | tr '\n' ' ')
key=$(printf '%s' "$packages" | sha256sum | cut -c1-12)
cache="/var/tmp/dutyroom-bare-bookworm-$key.tar"
root=$(mktemp -d /var/tmp/dutyroom-bare.XXXXXX)
cleanup() { umount "$root/proc" 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT

if [ ! -f "$cache" ]; then
  echo "[bare] debootstrap --variant=minbase bookworm, then: $packages"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >/dev/null
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
  chroot "$root" apt-get clean
  tar -C "$root" -cf "$cache.part" . && mv "$cache.part" "$cache"
else
  echo "[bare] minimal Debian 12 root from $cache"
  tar -C "$root" -xf "$cache"
fi

# Nothing of the build machine leaks in: no Python, no CJK font, no Qt in the root.
for absent in usr/bin/python3 usr/share/fonts/truetype/wqy usr/share/fonts/truetype/arphic-gbsn00lp; do
  [ ! -e "$root/$absent" ] || { echo "[bare] the root is not bare: $absent exists"; exit 1; }
done

mkdir -p "$root/opt"
tar -C "$root/opt" -xzf "$TARBALL"
rm -rf "$OUT"; mkdir -p "$OUT"
echo "[bare] dutyroom-cli selftest, offline (unshare -n chroot)"
status=0
unshare --net --mount --fork sh -c "mount -t proc proc '$root/proc' && chroot '$root' env -i PATH=/usr/bin:/bin \
  HOME=/root LANG=C.UTF-8 /opt/dutyroom/dutyroom-cli selftest --out /tmp/selftest" | tee "$OUT/selftest.log" || status=$?
cp -r "$root/tmp/selftest/." "$OUT/" 2>/dev/null || true
tail -1 "$OUT/selftest.log" | grep -q "selftest: [0-9]* passed, 0 failed" || status=1
echo "[bare] files in $OUT; exit $status"
exit $status
