#!/usr/bin/env python3
"""Typing in a paragraph of prose, measured by lspbench's latency mode.

    python3 benches/lsp_prose.py --lspbench DIR --line TEXT -- latency --server CMD --file F ...

lspbench types near the middle line of a document, which in a report is a table row. This runs
the same latency measurement (same client, same statistics, the same four-step cycle of edits)
with the typing moved to the end of TEXT, on the first line that holds it: a character typed and
deleted, then a digit typed and deleted (each a figure the prose states, read again). Everything
after `--` is passed to lspbench.py.
"""

import argparse
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lspbench", required=True, help="the folder of lspbench.py")
    p.add_argument("--line", required=True, help="text of the line to type in")
    a, rest = p.parse_known_args()
    rest = [x for x in rest if x != "--"]
    sys.path.insert(0, a.lspbench)
    import lspbench  # noqa: E402

    class ProsePlan(lspbench.EditPlan):
        def __init__(self, doc):
            super().__init__(doc)
            for i, line in enumerate(doc.lines):
                k = line[0].find(a.line)
                if k >= 0:
                    self.cjk = (i, k + len(a.line))
                    self.digit = None  # a digit typed and deleted at the same place
                    self.original = None
                    return
            sys.exit("lsp_prose: no line holds %r" % a.line)

    lspbench.EditPlan = ProsePlan
    return lspbench.main(rest)


if __name__ == "__main__":
    sys.exit(main())
