#!/usr/bin/env python3
"""Import cycles between files under src/ (ARCHITECTURE.md: dependencies point down, never loop).

Every `crate::a::b::…` and `super::…` path in a file (in `use` lines and inline) is resolved to the
file that defines the longest module prefix of it; `mod x;` declarations are not dependencies
(a parent declaring a child is structure), `pub use` re-exports are. Test modules (`tests.rs`,
`*_tests.rs`, and `#[cfg(test)] mod tests { … }` blocks) are left out: a test may look at anything.

Prints every cycle (as the files of each strongly connected component, with one edge path that
closes it) and exits 1 when there is one; 0 and "no import cycles" otherwise.

    python3 .ci/cycles.py [SRC_DIR]
"""

import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "src"

PATH_RE = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+|::\{)")
USE_BLOCK_RE = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{", re.S)


def module_of(rel):
    """src-relative file path -> module path as a tuple ('a', 'b')."""
    parts = rel[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def strip_tests_and_comments(text):
    # Line comments and doc comments would otherwise contribute paths named in prose.
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    # Drop `#[cfg(test)] mod name { … }` blocks by brace matching.
    out, i = [], 0
    pat = re.compile(r"#\[cfg\(test\)\]\s*(pub\s+)?mod\s+\w+\s*\{")
    while True:
        m = pat.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    return "".join(out)


def brace_group(text, start):
    """The text of the `{…}` group opening at text[start] == '{'."""
    depth, j = 0, start
    while j < len(text):
        c = text[j]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : j]
        j += 1
    return text[start + 1 :]


def expand_group(prefix, body):
    """`a::{b, c::{d, e}, f::g}` -> ['a::b', 'a::c::d', 'a::c::e', 'a::f::g']."""
    items, depth, cur = [], 0, ""
    for c in body:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        if c == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += c
    items.append(cur)
    paths = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        item = re.sub(r"\s+as\s+\w+$", "", item)
        if "{" in item:
            head, rest = item.split("{", 1)
            head = head.rstrip(":").strip()
            paths += expand_group(prefix + ("::" + head if head else ""), rest.rsplit("}", 1)[0])
        elif item == "self":
            paths.append(prefix)
        else:
            paths.append(prefix + "::" + item)
    return paths


def main():
    files = {}
    for root, _, names in os.walk(SRC):
        for n in names:
            if not n.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, n), SRC)
            if n == "tests.rs" or n.endswith("_tests.rs"):
                continue
            files[rel] = module_of(rel)
    by_module = {m: f for f, m in files.items()}

    def resolve(path_mods):
        for k in range(len(path_mods), 0, -1):
            f = by_module.get(tuple(path_mods[:k]))
            if f is not None:
                return f
        return None

    edges = {f: set() for f in files}
    for f, mod in files.items():
        with open(os.path.join(SRC, f), encoding="utf-8") as fh:
            text = strip_tests_and_comments(fh.read())
        is_mod_file = os.path.basename(f) in ("mod.rs", "lib.rs", "main.rs")
        # The module `super` and `self` name from inside this file.
        self_mod = list(mod)
        paths = []
        for m in USE_BLOCK_RE.finditer(text):
            root, rest = m.group(1), m.group(2)
            body = brace_group(text, m.end() - 1)
            paths += expand_group(root + rest, body)
        for m in PATH_RE.finditer(text):
            if m.group(2) != "::{":
                paths.append(m.group(1) + m.group(2))
        for p in paths:
            segs = p.split("::")
            base = []
            if segs[0] == "crate":
                segs = segs[1:]
            else:
                base = list(self_mod)
                while segs and segs[0] in ("super", "self"):
                    if segs[0] == "super":
                        base = base[:-1]
                    segs = segs[1:]
            target = resolve(base + segs)
            if target and target != f:
                # A parent module naming its child through `self::child` is structure when it is
                # a plain `mod` path; keep it as a dependency (re-exports and calls count).
                edges[f].add(target)
        _ = is_mod_file

    # Tarjan's strongly connected components.
    index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)

    if not sccs:
        print(f"no import cycles ({len(files)} files under {SRC}/)")
        return 0
    for comp in sorted(sccs, key=len, reverse=True):
        members = set(comp)
        # One cycle through the component's first file, for the reader.
        start = comp[0]
        prev, queue, seen = {}, [start], {start}
        cycle = None
        while queue and cycle is None:
            v = queue.pop(0)
            for w in sorted(edges[v] & members):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    cycle = [start] + list(reversed(path[:-1])) + [start]
                    break
                if w not in seen:
                    seen.add(w)
                    prev[w] = v
                    queue.append(w)
        print(f"import cycle among {len(comp)} files: {', '.join(comp)}")
        if cycle:
            print("  e.g. " + " -> ".join(cycle))
    print(f"{len(sccs)} import cycle(s)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
