#!/usr/bin/env bash
# Build the offline bundle (issue 18): dist/dutyroom-VERSION-linux-x86_64.tar.gz and dist/dutyroom_VERSION_amd64.deb.
# Called by `./setup.sh bundle` (which installs PyInstaller from requirements-build.txt first).
# The .deb is gzip-compressed: xz had not finished after 13 minutes on a busy 2-core machine (gzip: under 2).
#   scripts/bundle.sh            build both packages
#   scripts/bundle.sh --libs     print the system libraries the bundle needs (ldd), to check packaging/debian-depends.txt
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
VERSION=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
DIST=dist
APP="$DIST/dutyroom"

needed_system_libs() {  # every shared library a file of the bundle loads that the bundle does not carry
  local dirs; dirs=$(find "$APP" -name '*.so*' -printf '%h\n' | sort -u | sed "s|^|$PWD/|" | tr '\n' ':')
  find "$APP" -type f \( -name '*.so*' -o -name dutyroom -o -name dutyroom-cli \) -print0 |
    xargs -0 -n1 env LD_LIBRARY_PATH="$dirs" ldd 2>/dev/null | awk '/=> \//{print $3}' | grep -v "^$PWD/" | sort -u
}

owning_packages() {  # the Debian package of each library (merged /usr: try the path ldd gave, then the real one)
  local lib
  for lib in $(needed_system_libs); do
    { dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || echo "?:$lib"; } | head -1 | cut -d: -f1
  done | sort -u
}

if [ "${1:-}" = "--libs" ]; then
  owning_packages
  exit 0
fi

echo "[bundle] PyInstaller (build.spec) → $APP"
rm -rf "$APP" build/dutyroom
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath build build.spec

echo "[bundle] checking the libraries it needs against packaging/debian-depends.txt"
declared=$(grep -v '^#' packaging/debian-depends.txt | sort -u)
for pkg in $(owning_packages); do
  grep -qx "$pkg" <<<"$declared" || { echo "[bundle] $pkg is needed but not declared in packaging/debian-depends.txt"; exit 1; }
done

TARBALL="$DIST/dutyroom-$VERSION-linux-x86_64.tar.gz"
echo "[bundle] $TARBALL"
tar -C "$DIST" -czf "$TARBALL" dutyroom

DEB="$DIST/dutyroom_${VERSION}_amd64.deb"
echo "[bundle] $DEB"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
         "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/doc/dutyroom"
cp -a "$APP" "$root/opt/dutyroom"
ln -s /opt/dutyroom/dutyroom "$root/usr/bin/dutyroom"
ln -s /opt/dutyroom/dutyroom-cli "$root/usr/bin/dutyroom-cli"
cp packaging/dutyroom.desktop "$root/usr/share/applications/"
cp resources/icons/dutyroom.png "$root/usr/share/icons/hicolor/256x256/apps/dutyroom.png"
cp packaging/copyright "$root/usr/share/doc/dutyroom/copyright"
depends=$(grep -v '^#' packaging/debian-depends.txt | paste -sd, | sed 's/,/, /g')
size=$(du -sk "$root" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$size/" packaging/control.in > "$root/DEBIAN/control"
cp packaging/postinst "$root/DEBIAN/postinst"
chmod 0755 "$root/DEBIAN/postinst"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$DEB" >/dev/null
ls -la "$TARBALL" "$DEB" | awk '{printf "[bundle] %s %.1f MiB\n", $9, $5/1048576}'
