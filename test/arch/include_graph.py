#!/usr/bin/env python3
"""Checks ARCHITECTURE.md's module table against the code's #include lines.

Each `#include "m/..."` in src/<module>/ is an edge module -> m. The test
fails when an edge is not declared in the table's "depends on" column, when
a declared module dependency is not used, or when the graph has a cycle.
Usage: include_graph.py REPO_ROOT
"""
import os
import re
import sys


def modules(root):
    src = os.path.join(root, "src")
    return sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))


def declared(root, mods):
    """module -> set of modules named in its "depends on" cell ("all" = every module)."""
    out = {}
    with open(os.path.join(root, "ARCHITECTURE.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\|\s*`([a-z_]+)`\s*\|.*\|([^|]*)\|\s*$", line)
            if not m or m.group(1) not in mods:
                continue
            cell = m.group(2)
            if re.search(r"\ball\b", cell):
                out[m.group(1)] = set(mods) - {m.group(1)}
                continue
            words = set(re.findall(r"[a-z_]+", cell))
            out[m.group(1)] = {w for w in words if w in mods and w != m.group(1)}
    return out


def included(root, mods):
    """module -> {dependency: first file:line that includes it}."""
    out = {m: {} for m in mods}
    inc = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
    for m in mods:
        base = os.path.join(root, "src", m)
        for dirpath, _, files in os.walk(base):
            for name in sorted(files):
                if not name.endswith((".h", ".cpp", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for no, line in enumerate(f, 1):
                        g = inc.match(line)
                        if g and g.group(1) in mods and g.group(1) != m:
                            out[m].setdefault(g.group(1), f"{os.path.relpath(path, root)}:{no}")
    return out


def cycle(edges):
    """A cycle as a list of modules, or None."""
    state = {}

    def visit(n, path):
        state[n] = 1
        for d in sorted(edges.get(n, ())):
            if state.get(d) == 1:
                return path[path.index(d):] + [d] if d in path else [n, d]
            if state.get(d) is None:
                c = visit(d, path + [d])
                if c:
                    return c
        state[n] = 2
        return None

    for n in sorted(edges):
        if state.get(n) is None:
            c = visit(n, [n])
            if c:
                return c
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    mods = modules(root)
    decl = declared(root, mods)
    inc = included(root, mods)
    problems = []
    for m in mods:
        if m not in decl:
            problems.append(f"module {m} has no row in ARCHITECTURE.md's module table")
            continue
        for d, where in sorted(inc[m].items()):
            if d not in decl[m]:
                problems.append(f"{m} -> {d} ({where}) is not declared in ARCHITECTURE.md")
        if m != "cli":  # cli is declared as depending on "all"
            for d in sorted(decl[m] - set(inc[m])):
                problems.append(f"{m} declares {d} in ARCHITECTURE.md but includes nothing of it")
    c = cycle({m: set(inc[m]) for m in mods})
    if c:
        problems.append("include cycle: " + " -> ".join(c))
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(mods)} modules, {sum(len(v) for v in inc.values())} edges, no cycle, all declared")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
