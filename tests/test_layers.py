"""The import graph between the package's rooms: every arrow runs down the layers.

Run as a script (`python tests/test_layers.py`) to print the graph: one line per room, with the
rooms it imports and how many imported names make each arrow.
"""
from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folders as pyproject.toml mounts them.
PACKAGES = {"parksum": ROOT / "pipeline", "parksum.extractors": ROOT / "extractors"}
# Rooms from the bottom up; a module may import from its own room and the rooms below it.
LAYERS = ["parksum.paths", "parksum.text", "parksum.structure", "parksum.extractors", "parksum.process",
          "parksum.store", "parksum.analyst", "parksum.interfaces", "parksum"]
TRAINING = "parksum.extractors.training"  # beside the pipeline runner (it runs it); imported by no runtime room
MAY_IMPORT_TRAINING = {TRAINING, "parksum.interfaces"}  # the train-ner and evaluate-ner commands


def modules() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            if name.startswith("parksum.extractors") and package == "parksum":
                continue
            found[name] = path
    return found


def room(module: str) -> str:
    if module == TRAINING or module.startswith(TRAINING + "."):
        return TRAINING
    return max((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), key=len)


def imports(path: Path, known: set[str]) -> list[str]:
    """Every parksum module `path` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("parksum")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("parksum"):
            # `from parksum import paths` imports the module parksum.paths
            found += [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                      for a in node.names]
    return found


def arrows() -> Counter[tuple[str, str]]:
    known = modules()
    return Counter((room(name), room(target)) for name, path in known.items()
                   for target in imports(path, set(known)))


def rank(name: str) -> int:
    return LAYERS.index("parksum.process" if name == TRAINING else name)


def test_every_module_belongs_to_a_room_and_the_rooms_are_the_layers():
    rooms = {room(name) for name in modules()}
    assert rooms == set(LAYERS) | {TRAINING}


def test_no_import_runs_up_the_layers():
    upward = [(a, b) for a, b in arrows() if rank(a) < rank(b)]
    assert not upward, f"imports that run up the layers: {upward}"


def test_the_runtime_never_imports_training_code():
    assert not [(a, b) for a, b in arrows() if b == TRAINING and a not in MAY_IMPORT_TRAINING]


if __name__ == "__main__":
    graph = arrows()
    for source in [*LAYERS, TRAINING][::-1]:
        targets = ", ".join(f"{t} ({n})" for (s, t), n in sorted(graph.items(), key=lambda kv: -rank(kv[0][1]))
                            if s == source and t != source)
        print(f"{source:30s} → {targets or '-'}")
    sys.exit(0)
