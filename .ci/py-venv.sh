# Sourced by the CI scripts that run PyPI tools: `py_venv DIR` makes a Python
# venv at DIR unless one is there. Debian's python3 makes a venv only with
# python3-venv installed, which this installs when it must.
py_venv() {
  [ -x "$1/bin/python3" ] && return 0
  if ! python3 -m venv "$1" >/dev/null 2>&1; then
    rm -rf "$1"
    if command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv "$1"
  fi
}
