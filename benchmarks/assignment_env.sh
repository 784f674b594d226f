#!/usr/bin/env bash
# Create the assignment benchmark's own virtual environment with AequilibraE.
#
# AequilibraE is not a tripp dependency: it lives only in benchmarks/.env-aequilibrae/
# (gitignored), next to an editable install of tripp, so that benchmarks/assignment.py
# can time both in one process.
#
# Usage (from the repository root):  bash benchmarks/assignment_env.sh
# Then:                              benchmarks/.env-aequilibrae/bin/python benchmarks/assignment.py
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
env_dir="$root/benchmarks/.env-aequilibrae"
python3 -m venv "$env_dir"
"$env_dir/bin/python" -m pip install --quiet --upgrade pip
"$env_dir/bin/python" -m pip install --quiet aequilibrae
"$env_dir/bin/python" -m pip install --quiet -e "$root"
"$env_dir/bin/python" -c "import importlib.metadata as m, aequilibrae, tripp; print('aequilibrae', m.version('aequilibrae'))"
