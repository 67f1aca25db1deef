#!/usr/bin/env bash
# Does the OpenAPI document give working generated clients?
#   TypeScript: openapi-typescript writes schema.d.ts; usage.ts calls the API through openapi-fetch's
#               createClient<paths>; `tsc --noEmit` (strict) must accept it. Types only, no server.
#   Python:     openapi-python-client generates a package, which must build as a wheel, install
#               into a throwaway venv and import, one module per operation in the document.
#
# Usage: clients/check.sh [OPENAPI.json]
#   Without an argument the document is dumped from the app (clients/dump_openapi.py) to
#   clients/.out/openapi.json; with one, that file is checked instead and nothing is dumped.
# Needs: .venv (make install), node >= 18.17 with npm, and $PYTHON (default python3) >= 3.11.
# Any failure exits 1 with a line starting "FAIL:"; nothing is skipped. A failed type-check still
# lets the Python part run, so that one run reports on both clients.
set -euo pipefail
CALLER_DIR="$PWD" # a relative OPENAPI.json is taken from where the script was called
cd "$(dirname "$0")/.."
ROOT="$PWD"

# The Python generator runs in its own venv, so it cannot disturb the project's constraints.txt.
OPENAPI_PYTHON_CLIENT_VERSION="0.29.1"
SETUPTOOLS_VERSION="84.2.1" # builds the generated package's wheel without a download
PYTHON="${PYTHON:-python3}"
TS_DIR="$ROOT/clients/typescript"
GEN_VENV="$ROOT/clients/.venv-python-client"

step() { printf '\n--> %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}
since() { printf '    (%ss)\n' "$((SECONDS - $1))"; }

failures=()
TMP="$(mktemp -d "${TMPDIR:-/tmp}/versus-clients.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# --- the document -------------------------------------------------------------------------------
if [ "$#" -gt 1 ]; then
    fail "usage: clients/check.sh [OPENAPI.json]"
elif [ "$#" -eq 1 ]; then
    case "$1" in
        /*) DOC="$1" ;;
        *) DOC="$CALLER_DIR/$1" ;;
    esac
    [ -f "$DOC" ] || fail "no OpenAPI document at $1"
    step "OpenAPI document: $DOC (given)"
else
    DOC="$ROOT/clients/.out/openapi.json"
    step "OpenAPI document: dumping the app's to ${DOC#"$ROOT"/}"
    t=$SECONDS
    [ -x "$ROOT/.venv/bin/python" ] || fail ".venv is missing; run \`make install\` (or \`make clients\`)"
    "$ROOT/.venv/bin/python" -m clients.dump_openapi "$DOC" ||
        fail "could not dump the OpenAPI document (python -m clients.dump_openapi)"
    since "$t"
fi

# --- TypeScript ---------------------------------------------------------------------------------
step "TypeScript: node packages (npm ci when package-lock.json changed)"
t=$SECONDS
command -v node >/dev/null ||
    fail "node is not installed; the TypeScript client check needs Node.js >= 18.17 and npm"
command -v npm >/dev/null ||
    fail "npm is not installed; the TypeScript client check needs Node.js >= 18.17 and npm"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 17) ? 0 : 1)' ||
    fail "node $(node --version) is too old; the TypeScript client check needs Node.js >= 18.17"
stamp="$(node --version) $(cat "$TS_DIR/package.json" "$TS_DIR/package-lock.json" | sha256sum | cut -d ' ' -f 1)"
if [ "$(cat "$TS_DIR/node_modules/.versus-stamp" 2>/dev/null || true)" != "$stamp" ]; then
    (cd "$TS_DIR" && npm ci --no-audit --no-fund --loglevel=error) ||
        fail "npm ci failed in clients/typescript (is package-lock.json in step with package.json?)"
    printf '%s\n' "$stamp" >"$TS_DIR/node_modules/.versus-stamp"
else
    echo "    node_modules is up to date with package-lock.json"
fi
since "$t"

step "TypeScript: generate clients/typescript/schema.d.ts with openapi-typescript"
t=$SECONDS
rm -f "$TS_DIR/schema.d.ts"
(cd "$TS_DIR" && node_modules/.bin/openapi-typescript "$DOC" --output schema.d.ts) ||
    fail "openapi-typescript could not turn the OpenAPI document into types"
since "$t"

step "TypeScript: tsc --noEmit (strict) on usage.ts against the generated types"
t=$SECONDS
if ! tsc_out="$(cd "$TS_DIR" && node_modules/.bin/tsc --noEmit -p tsconfig.json 2>&1)"; then
    printf '%s\n' "$tsc_out" >&2
    if grep -q "does not exist on type 'string'" <<<"$tsc_out"; then
        cat >&2 <<'EOF'
hint: openapi-fetch types `data` as the union of every media type a 2xx response declares, so a
      200 listing text/csv or text/plain beside application/json makes `data` `string | {...}`.
EOF
    fi
    # Go on to the Python client, so that one run reports both; the exit status is still 1.
    msg="TypeScript: the generated client does not type-check against clients/typescript/usage.ts"
    printf 'FAIL: %s\n' "$msg" >&2
    failures+=("$msg")
else
    echo "    usage.ts type-checks, and its @ts-expect-error misuse is still an error"
fi
since "$t"

# --- Python -------------------------------------------------------------------------------------
step "Python: openapi-python-client $OPENAPI_PYTHON_CLIENT_VERSION in clients/.venv-python-client"
t=$SECONDS
command -v "$PYTHON" >/dev/null || fail "$PYTHON is not installed (set PYTHON=...)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    fail "$PYTHON is older than 3.11"
want="openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION setuptools==$SETUPTOOLS_VERSION $("$PYTHON" --version 2>&1)"
if [ "$(cat "$GEN_VENV/.versus-stamp" 2>/dev/null || true)" != "$want" ]; then
    rm -rf "$GEN_VENV"
    "$PYTHON" -m venv "$GEN_VENV" || fail "could not create $GEN_VENV"
    "$GEN_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION" "setuptools==$SETUPTOOLS_VERSION" ||
        fail "could not install openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION"
    printf '%s\n' "$want" >"$GEN_VENV/.versus-stamp"
else
    echo "    already installed"
fi
since "$t"

step "Python: generate the client (warnings fail), build its wheel, install it and import it"
t=$SECONDS
# The generator formats its output with ruff, which it finds on PATH (its venv has one).
(cd "$TMP" && PATH="$GEN_VENV/bin:$PATH" "$GEN_VENV/bin/openapi-python-client" generate \
    --path "$DOC" --meta setup --output-path "$TMP/python-client" --fail-on-warning) ||
    fail "openapi-python-client could not generate a client from the document (see above)"
shopt -s nullglob
inits=("$TMP"/python-client/*/__init__.py)
[ "${#inits[@]}" -eq 1 ] || fail "expected one package in the generated client, found ${#inits[@]}"
package="$(basename "$(dirname "${inits[0]}")")"
"$GEN_VENV/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
    --no-build-isolation --wheel-dir "$TMP/dist" "$TMP/python-client" ||
    fail "the generated Python client ($package) does not build as a wheel"
wheels=("$TMP"/dist/*.whl)
[ "${#wheels[@]}" -eq 1 ] || fail "expected one wheel from the generated client, found ${#wheels[@]}"
"$PYTHON" -m venv --without-pip "$TMP/venv" || fail "could not create a throwaway venv"
"$GEN_VENV/bin/python" -m pip --python "$TMP/venv/bin/python" install --quiet \
    --disable-pip-version-check "${wheels[0]}" ||
    fail "the wheel $(basename "${wheels[0]}") does not install with its dependencies"
"$TMP/venv/bin/python" - "$package" "$DOC" <<'PY' || fail "the installed Python client ($package) does not import"
import importlib
import json
import pkgutil
import sys

name, doc = sys.argv[1], sys.argv[2]
package = importlib.import_module(name)
modules = [importlib.import_module(m.name) for m in pkgutil.walk_packages(package.__path__, name + ".")]
operations = [m for m in modules if m.__name__.startswith(name + ".api.") and hasattr(m, "sync_detailed")]
methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
with open(doc, encoding="utf-8") as f:
    expected = sum(1 for item in json.load(f)["paths"].values() for method in item if method in methods)
package.Client(base_url="http://127.0.0.1:8000")
if len(operations) != expected:
    sys.exit(f"{len(operations)} operation modules for the document's {expected} operations")
print(f"    {name}: {len(modules)} modules import; {len(operations)} operations, as in the document")
PY
since "$t"

if [ "${#failures[@]}" -gt 0 ]; then
    printf '\n' >&2
    for msg in "${failures[@]}"; do printf 'FAIL: %s\n' "$msg" >&2; done
    exit 1
fi
printf '\nOK: the OpenAPI document gives a TypeScript client that type-checks and a Python client that builds.\n'
