#!/usr/bin/env bash
# dutyroom setup on a fresh Debian machine, then either open the app or run the tests.
#   ./setup.sh app    set up, create/refresh the demo database (demo.db in the data folder, never the real
#                     dutyroom.db), open the app on it
#   ./setup.sh test   set up, run the whole test suite offscreen
#   ./setup.sh bundle     build the offline bundle: dist/*.tar.gz and dist/*.deb (PyInstaller)
#   ./setup.sh bare-test  the bundle's selftest in a minimal Debian 12 root, offline (root needed)
# A second run is fast: Debian packages are checked with dpkg-query, Python packages are
# reinstalled only when requirements.txt changes.
set -euo pipefail
cd "$(dirname "$0")"

# Qt on a screen (xcb) and offscreen, an open CJK font set, poppler for PDF checks, Xvfb for
# screenshots and for running the app where there is no screen.
DEB_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libx11-xcb1
  libxrender1 libxi6 libnss3 libasound2
  fonts-wqy-microhei fonts-arphic-gbsn00lp fonts-arphic-gkai00mp
  poppler-utils xvfb xauth
  postgresql  # the multi-seat (PostgreSQL) tests start a private throwaway cluster
)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "需要管理员权限安装系统软件包（root or sudo required to install Debian packages）: $*"; exit 1; fi
}

install_debian_packages() {
  local missing=() pkg
  for pkg in "${DEB_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fc-cache -f >/dev/null 2>&1 || true
  fi
}

pick_python() {
  local py
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$py"; return; fi
  done
  say "Python 3.11 or newer not found: installing Debian's python3"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
  echo python3
}

make_venv() {
  if [ ! -x .venv/bin/python ]; then
    local py; py=$(pick_python)
    if ! "$py" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      install_debian_packages python3-venv
      "$py" -m venv .venv
    fi
  fi
  local want; want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$want" ]; then
    say "installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r requirements.txt
    echo "$want" > .venv/.requirements.sha256
  fi
}

install_build_tools() {  # PyInstaller (requirements-build.txt), only for the bundle
  local want; want=$(sha256sum requirements-build.txt | cut -d' ' -f1)
  if [ "$(cat .venv/.requirements-build.sha256 2>/dev/null)" != "$want" ]; then
    say "installing build tools into .venv (requirements-build.txt)"
    .venv/bin/python -m pip install -q -r requirements-build.txt
    echo "$want" > .venv/.requirements-build.sha256
  fi
}

install_debian_packages
make_venv

case "${1:-}" in
  app)
    shift
    # A demo database of its own: `init --demo` refuses a database with real users, and the real one is left alone.
    DEMO_DB="$(.venv/bin/python -c 'import platformdirs; print(platformdirs.user_data_dir("dutyroom", appauthor=False))')/demo.db"
    mkdir -p -m 700 "$(dirname "$DEMO_DB")"
    .venv/bin/python -m dutyroom init --demo --db "$DEMO_DB"
    export DUTYROOM_DB="$DEMO_DB"
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      say "没有图形显示（no DISPLAY）：在虚拟屏幕 Xvfb 上运行 / running on a virtual screen"
      exec xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python main.py "$@"
    fi
    exec .venv/bin/python main.py "$@"
    ;;
  bundle)
    shift
    install_build_tools
    exec scripts/bundle.sh "$@"
    ;;
  bare-test)
    shift
    install_debian_packages debootstrap
    install_build_tools
    [ -n "$(ls dist/dutyroom-*-linux-x86_64.tar.gz 2>/dev/null)" ] || scripts/bundle.sh
    exec scripts/bare_machine_selftest.sh "$@"
    ;;
  test)
    shift
    export QT_QPA_PLATFORM=offscreen
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: ./setup.sh app | test [pytest args] | bundle | bare-test"; exit 2 ;;
esac
