#!/usr/bin/env bash
# Create the OSM import benchmark's own virtual environment with its peers, pyrosm and osmnx.
#
# Neither is a tripp dependency: they live only in benchmarks/.env-osm/ (gitignored), and
# benchmarks/osm_import.py runs benchmarks/osm_peers.py with that environment's Python, one
# process per peer, beside `tripp import osm` on the same synthetic extract.
#
# Usage (from the repository root):  bash benchmarks/osm_env.sh
# Then:                              .venv/bin/python benchmarks/osm_import.py
# A peer that does not install is reported by the benchmark as not run, with the reason.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
env_dir="$root/benchmarks/.env-osm"
python3 -m venv "$env_dir" || exit 1
"$env_dir/bin/python" -m pip install --quiet --upgrade pip
for peer in pyrosm osmnx; do
  if "$env_dir/bin/python" -m pip install --quiet "$peer"; then
    "$env_dir/bin/python" -c "import importlib.metadata as m; print('$peer', m.version('$peer'))"
  else
    echo "$peer: pip install failed (see above); the benchmark will report it as not run" >&2
  fi
done
