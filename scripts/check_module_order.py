#!/usr/bin/env python3
"""The module order of docs/architecture.md, enforced: a module under src/ may include only its
own headers and those of modules below it.

    core < db < http, render, mail, search < audit < api < accounts < agencies < jobs < workflow
         < opendata, learning, workd < app

Modules on one level (http and render; the three services) do not include each other: the
services meet only through the shared modules. An include that goes up or sideways fails the
check, naming the file, the line and the rule, unless it is one of KNOWN below: the upward
includes that existed when the check was written (issue 14 removed the last of them; it is empty).
A KNOWN entry that no longer occurs fails the check too, so the list only shrinks.

    scripts/check_module_order.py [SRC_DIR]     (default: src next to this script)
    scripts/check_module_order.py --self-test   (the check catches what it must)
Run by `make test` (ctest: module_order, module_order_self_test).
"""
import os
import re
import sys
import tempfile

LEVELS = [
    ["core"],
    ["db"],
    ["http", "render", "mail", "search"],
    ["audit"],
    ["api"],
    ["accounts"],
    ["agencies"],
    ["jobs"],
    ["workflow"],
    ["opendata", "learning", "workd"],
    ["app"],
]
RANK = {m: i for i, level in enumerate(LEVELS) for m in level}

# (file under src/, included module): upward includes that predate the check (issue 14 removed
# the last of them). Do not add to this list: move the shared piece down instead.
KNOWN = set()

INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z0-9_]+)/')
SOURCE = (".cpp", ".hpp", ".h", ".cc", ".inc")


def check(src, known):
    """Returns the list of problems in the tree under `src` (empty when it follows the order)."""
    problems = []
    seen = set()
    for module in sorted(os.listdir(src)):
        if not os.path.isdir(os.path.join(src, module)):
            continue
        if module not in RANK:
            problems.append("src/%s/: a module that is not in the order (add it to LEVELS in "
                            "scripts/check_module_order.py and to docs/architecture.md)" % module)
            continue
        for dirpath, _, files in os.walk(os.path.join(src, module)):
            for name in sorted(files):
                if not name.endswith(SOURCE):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, src).replace(os.sep, "/")
                with open(path, encoding="utf-8", errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m or m.group(1) == module:
                            continue
                        target = m.group(1)
                        if target not in RANK:
                            continue  # not a module of ours (a library's own folder)
                        if RANK[target] < RANK[module]:
                            continue
                        if (rel, target) in known:
                            seen.add((rel, target))
                            continue
                        how = "on its own level" if RANK[target] == RANK[module] else "above it"
                        problems.append("src/%s:%d: %s includes %s, which is %s (%s)" % (
                            rel, lineno, module, target, how, line.strip()))
    for rel, target in sorted(known - seen):
        problems.append("src/%s: no longer includes %s: remove it from KNOWN in "
                        "scripts/check_module_order.py" % (rel, target))
    return problems


def self_test():
    def tree(files):
        root = tempfile.mkdtemp(prefix="module-order-")
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        return root

    ok = tree({"core/a.hpp": '#include <vector>\n#include "b.hpp"\n',
               "db/b.cpp": '#include "core/a.hpp"\n#include "db/c.hpp"\n',
               "app/main.cpp": '#include "opendata/x.hpp"\n#include "core/a.hpp"\n',
               "opendata/x.hpp": '#include "workflow/w.hpp"\n',
               "workflow/w.hpp": ""})
    assert check(ok, set()) == [], check(ok, set())
    up = tree({"core/a.cpp": '#include "db/b.hpp"\n', "db/b.hpp": ""})
    assert len(check(up, set())) == 1 and "src/core/a.cpp:1" in check(up, set())[0]
    side = tree({"learning/a.cpp": '#  include "opendata/x.hpp"\n', "opendata/x.hpp": ""})
    assert "on its own level" in check(side, set())[0]
    unknown = tree({"newthing/a.cpp": ""})
    assert "not in the order" in check(unknown, set())[0]
    known = {("core/a.cpp", "db")}
    assert check(up, known) == []
    stale = tree({"core/a.cpp": "", "db/b.hpp": ""})
    assert "no longer includes db" in check(stale, known)[0]
    print("module order self-test: ok")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return 0
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    problems = check(src, KNOWN)
    for p in problems:
        print(p)
    if problems:
        print("module order: %d problem(s); the order is in docs/architecture.md" % len(problems))
        return 1
    print("module order: ok (%d known upward includes)" % len(KNOWN))
    return 0


if __name__ == "__main__":
    sys.exit(main())
