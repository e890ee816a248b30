#!/usr/bin/env bash
# Creates training-reader-py/.venv (git-ignored) with the Python reader installed editable with its
# test, torch and hf extras, for PythonReaderIT (training-reader), which runs its pytest suite.
# Runs from the training-reader build's pre-integration-test phase; skips the install when the
# venv matches pyproject.toml. pip here reaches only local wheel indexes: --retries 0 keeps it from
# waiting minutes on the unreachable public index (docs/DESIGN.md, "The Python reader").
set -euo pipefail
cd "$(dirname "$0")/../training-reader-py"
venv=.venv
stamp=$venv/.minietl-pyproject.sha256
want=$(cat pyproject.toml ../build/python-venv.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi
python=${MINIETL_PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
  echo "Cannot build the Python reader's test environment: $python is not on PATH (Python 3.10+ is required, see README)." >&2
  exit 1
fi
rm -rf "$venv"
"$python" -m venv "$venv"
export PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/pip" install -q --retries 0 -e ".[test,torch,hf]" 2>&1 | grep -v "^WARNING: Location" || true
"$venv/bin/python" -c "import minietl, pyarrow, torch, datasets, pytest" # fails loudly if pip did
echo "$want" > "$stamp"
