"""Edit latency of two language servers, paired: lspbench's latency mode run for A and for B
back to back, round after round (the order alternating), and the median of the per-round ratios
B/A of p50 and p99. On a machine whose load swings, a ratio of two runs made a second apart is
steadier than either run's figures.

    python3 benches/lsp_pairs.py --lspbench ../shared/tools/lspbench --file F \
        --a 'old/nianbao lsp' --b 'target/release/nianbao lsp' [--prose-line TEXT] \
        [--rounds 15] [--edits 1000] [--init-options '{"diagnosticsDelayMs":0}']

With --prose-line, the typing is in the paragraph that holds TEXT (benches/lsp_prose.py) instead
of lspbench's middle line (a table row in a report).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(a, server):
    if a.prose_line:
        cmd = [sys.executable, os.path.join(HERE, "lsp_prose.py"), "--lspbench", a.lspbench,
               "--line", a.prose_line, "--", "latency"]
    else:
        cmd = [sys.executable, os.path.join(a.lspbench, "lspbench.py"), "latency"]
    cmd += ["--server", server, "--file", a.file, "--init-options", a.init_options,
            "--edits", str(a.edits), "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        e = json.loads(p.stdout)["edits"]["latency_us"]
    except (ValueError, KeyError, TypeError):
        sys.exit("lsp_pairs: no result from %s\n%s" % (server, p.stderr[-2000:]))
    return e["p50"], e["p99"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lspbench", required=True, help="the folder of lspbench.py")
    p.add_argument("--file", required=True, help="document to open and type in")
    p.add_argument("--a", required=True, help="server command line A (the reference)")
    p.add_argument("--b", required=True, help="server command line B")
    p.add_argument("--prose-line", help="type at the end of this text instead of the middle line")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--edits", type=int, default=1000)
    p.add_argument("--init-options", default='{"diagnosticsDelayMs":0}')
    a = p.parse_args()
    pa, pb, r50, r99 = [], [], [], []
    for i in range(a.rounds):
        order = [("a", a.a), ("b", a.b)] if i % 2 == 0 else [("b", a.b), ("a", a.a)]
        got = {k: run(a, server) for k, server in order}
        pa.append(got["a"])
        pb.append(got["b"])
        r50.append(got["b"][0] / got["a"][0])
        r99.append(got["b"][1] / got["a"][1])
    med = statistics.median
    print("A p50/p99 %s / %s µs, B %s / %s µs (medians of %d rounds of %d edits)" % (
        med(x[0] for x in pa), med(x[1] for x in pa), med(x[0] for x in pb),
        med(x[1] for x in pb), a.rounds, a.edits))
    print("B/A: p50 %.3f (rounds %.2f–%.2f), p99 %.3f (rounds %.2f–%.2f)" % (
        med(r50), min(r50), max(r50), med(r99), min(r99), max(r99)))


if __name__ == "__main__":
    main()
