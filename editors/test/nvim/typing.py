"""Types "12" into a total cell of a report at 150 ms per key in Neovim's terminal UI, driven
through tmux as a person's keyboard would, and checks that the report is checked once, after the
last key, within 200 ms (the server's quiet window is the only delay). Run by run.sh.

Env: NB_NVIM, NB_FIXTURES (broken.md, fixtures.json), NB_PROBE (probe.lua), NB_RESULTS,
NB_SUITE, NB_TMUX_SOCKET; HOME/XDG_* point at a user config that enables nianbao.
"""
import json
import os
import subprocess
import time

KEY_INTERVAL = 0.150
QUIET = 1.5

fixtures = os.environ["NB_FIXTURES"]
suite = os.environ["NB_SUITE"]
socket = os.environ["NB_TMUX_SOCKET"]
probe_out = os.path.join(fixtures, "probe.jsonl")
meta = json.load(open(os.path.join(fixtures, "fixtures.json"), encoding="utf-8"))
cell = meta["broken"]


def record(name, ok, msg=""):
    line = f"{'PASS' if ok else 'FAIL'} {suite}: {name}" + (f" — {msg}" if msg else "")
    with open(os.environ["NB_RESULTS"], "a", encoding="utf-8") as f:
        f.write(line + "\n")
    print(line, flush=True)


def tmux(*args):
    return subprocess.run(["tmux", "-L", socket, *args], check=True, capture_output=True, text=True).stdout


def events():
    try:
        with open(probe_out, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip()]
    except FileNotFoundError:
        return []


def wait(what, cond, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; screen:\n{tmux('capture-pane', '-p', '-t', 'nb')}")


def main():
    name = "typing “12” at 150 ms per key: one check, after the last key, within 200 ms"
    env = {**os.environ, "NB_PROBE_OUT": probe_out, "TERM": "xterm-256color"}
    nvim = os.environ["NB_NVIM"]
    cmd = (
        f"cd {fixtures} && exec {nvim} --cmd 'luafile {os.environ['NB_PROBE']}' "
        f"'+call cursor({cell['line'] + 1}, {cell['colByte'] + 1})' broken.md"
    )
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "nb", "-x", "160", "-y", "40", cmd],
                   check=True, env=env)
    try:
        wait("the report to be checked once opened",
             lambda: any(e["ev"] == "publish" and "total-mismatch" in e["codes"] for e in events()))
        # Replace the wrong total: `s` deletes it and enters insert mode (one change, one check).
        tmux("send-keys", "-t", "nb", "s")
        time.sleep(QUIET)
        start = len(events())
        t0 = time.monotonic()
        tmux("send-keys", "-t", "nb", "-l", "1")
        time.sleep(max(0.0, t0 + KEY_INTERVAL - time.monotonic()))
        tmux("send-keys", "-t", "nb", "-l", "2")
        time.sleep(QUIET)
        tmux("send-keys", "-t", "nb", "Escape")
        seen = events()[start:]
        keys = [e for e in seen if e["ev"] == "key"]
        pubs = [e for e in seen if e["ev"] == "publish"]
        if [k["key"] for k in keys] != ["1", "2"]:
            raise AssertionError(f"keys seen by Neovim: {keys}")
        gap = keys[1]["t"] - keys[0]["t"]
        delays = [round(p["t"] - keys[1]["t"]) for p in pubs]
        summary = f"keys {gap:.0f} ms apart; {len(pubs)} publication(s) at {delays} ms after the last key"
        print(summary, flush=True)
        if len(pubs) != 1:
            raise AssertionError(summary + " (expected exactly one)")
        if not 0 <= delays[0] <= 200:
            raise AssertionError(summary + " (expected within 200 ms after the last key)")
        if "total-mismatch" not in pubs[0]["codes"]:
            raise AssertionError(f"{summary}; the total 12 is wrong but the check says {pubs[0]['codes']}")
        record(name, True, summary)
    except AssertionError as e:
        record(name, False, str(e).splitlines()[0])
        print(str(e))
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


main()
