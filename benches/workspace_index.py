#!/usr/bin/env python3
"""The language server with a large workspace: how long the background index of last year's
reports takes, how much memory it holds, and whether it delays the first diagnostics of a
document opened while it runs.

    python3 benches/workspace_index.py --lspbench DIR --server "target/release/nianbao lsp" \
        --reports DIR_OR_FILES... [--files 1000] [--runs 5]

DIR is the folder of lspbench.py (its JSON-RPC client is used). The workspace is a temporary
folder of `--files` report files, copies of the given reports under new body names (so that the
index holds as many (body, year) entries as files). Each run starts two servers, interleaved:
one whose workspace holds the reports, one whose workspace holds only the opened document, and
opens the same document right after `initialized` in both, with no diagnostics delay
(`diagnosticsDelayMs` 0). Medians over the runs are printed.
"""

import argparse
import os
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

INDEXED = "工作区已建立索引"


def load_client(lspbench_dir):
    sys.path.insert(0, lspbench_dir)
    import lspbench  # noqa: E402

    class Client(lspbench.Client):
        """lspbench's client, also noting when the server says the index is built."""

        def __init__(self, *a, **k):
            self.indexed_at = None
            self.indexed_message = None
            super().__init__(*a, **k)

        def _dispatch(self, t, m):
            if m.get("method") == "window/logMessage":
                msg = str((m.get("params") or {}).get("message"))
                if INDEXED in msg and self.indexed_at is None:
                    with self.cond:
                        self.indexed_at = t
                        self.indexed_message = msg
                        self.cond.notify_all()
            super()._dispatch(t, m)

    return lspbench, Client


def reports(paths):
    out = []
    for p in paths:
        p = Path(p)
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.suffix in (".md", ".txt") and f.is_file():
                text = f.read_text(encoding="utf-8", errors="replace")
                if "政府信息公开" in text[:4000]:
                    out.append(text)
    return out


def renamed(text, i):
    """The report under a body name of its own: the first 政府 / 局 / 镇 … word of its title
    prefixed with a number (the index keys reports by body and year)."""
    return re.sub(r"^(\W*)", lambda m: m.group(1) + "第%d" % i, text, count=1)


def session(lspbench, Client, server, folder, doc_path, timeout):
    argv = shlex.split(server)
    uri = Path(doc_path).as_uri()
    folders = [{"uri": Path(folder).as_uri(), "name": Path(folder).name}]
    c = Client(argv, os.getcwd(), os.path.join(folder, ".server.stderr"), folders=folders)
    caps = {
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {"publishDiagnostics": {"relatedInformation": True, "versionSupport": True}},
        "workspace": {"workspaceFolders": True, "didChangeWatchedFiles": {"dynamicRegistration": True}},
    }
    t_spawn = time.perf_counter_ns()
    _, resp = c.request("initialize", {"processId": os.getpid(), "rootUri": Path(folder).as_uri(),
                                       "workspaceFolders": folders, "capabilities": caps,
                                       "initializationOptions": {"diagnosticsDelayMs": 0}}, timeout)
    if resp is None:
        raise SystemExit("no initialize response")
    t_init = c.notify("initialized", {})
    text = Path(doc_path).read_text(encoding="utf-8")
    start = c.count_publishes()
    t_open = c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    got = c.wait_publish(uri, start, 1, timeout)
    first = (got[1][0] - t_open) / 1e6 if got else None
    deadline = time.monotonic() + timeout
    with c.cond:
        while c.indexed_at is None and time.monotonic() < deadline:
            c.cond.wait(0.05)
    indexed = (c.indexed_at - t_init) / 1e6 if c.indexed_at else None
    rss = (lspbench.read_rss(c.pid) or {}).get("VmHWM_kib")
    c.request("shutdown", None, timeout)
    c.notify("exit", None)
    try:
        c.proc.wait(timeout)
    except Exception:
        c.proc.kill()
    return {"first_ms": first, "index_ms": indexed, "rss_kib": rss, "message": c.indexed_message,
            "spawn_to_open_ms": (t_open - t_spawn) / 1e6}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lspbench", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--reports", nargs="+", required=True)
    ap.add_argument("--open", help="the document opened (default: the first report)")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    lspbench, Client = load_client(a.lspbench)
    texts = reports(a.reports)
    if not texts:
        raise SystemExit("no reports among " + " ".join(a.reports))
    opened = Path(a.open).read_text(encoding="utf-8") if a.open else texts[0]
    big = tempfile.mkdtemp(prefix="nianbao-ws-")
    small = tempfile.mkdtemp(prefix="nianbao-ws-")
    try:
        for i in range(a.files):
            sub = os.path.join(big, "d%02d" % (i % 50))
            os.makedirs(sub, exist_ok=True)
            Path(sub, "r%05d.md" % i).write_text(renamed(texts[i % len(texts)], i), encoding="utf-8")
        size = sum(f.stat().st_size for f in Path(big).rglob("*.md"))
        for d in (big, small):
            Path(d, "draft.md").write_text(opened, encoding="utf-8")
        rows = {"workspace": [], "alone": []}
        for _ in range(a.runs):
            rows["workspace"].append(session(lspbench, Client, a.server, big,
                                             os.path.join(big, "draft.md"), a.timeout))
            rows["alone"].append(session(lspbench, Client, a.server, small,
                                         os.path.join(small, "draft.md"), a.timeout))
        print("workspace: %d report files, %.1f MB; %d runs, medians" % (a.files, size / 1e6, a.runs))
        for name, rs in rows.items():
            med = lambda k: statistics.median([r[k] for r in rs if r[k] is not None] or [float("nan")])
            print("  %-9s first diagnostics %7.1f ms   index built %8.1f ms   peak RSS %7.1f MB"
                  % (name, med("first_ms"), med("index_ms"), med("rss_kib") / 1024))
        print("  server said:", rows["workspace"][-1]["message"])
    finally:
        shutil.rmtree(big, ignore_errors=True)
        shutil.rmtree(small, ignore_errors=True)


if __name__ == "__main__":
    main()
