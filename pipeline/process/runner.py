"""The pipeline: one `Document` flows through small components declared in pipeline.toml.

Components are named by "module:factory" strings and imported when a pipeline is built, so
this module depends on no extractor: the configuration decides what runs.
"""
from __future__ import annotations

import importlib
import tomllib
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path

from parksum.process.manifest import MANIFEST_NAME, NO_TAGS, Tags
from parksum.text.doc import Document
from parksum.text.loaders import Limits, LoadedText, LoadError, iter_files, load, shown

Component = Callable[[Document], Document]
# What an outline needs; `parksum outline` runs only these.
STRUCTURE = ("metadata", "outline")


@cache
def pipeline_config() -> dict:
    return tomllib.loads(resources.files("parksum.process").joinpath("pipeline.toml").read_text(encoding="utf-8"))


class Pipeline:
    """`components`: names from pipeline.toml (default: all, in order). `ner`: whether the entity
    component uses the trained NER model (None: as pipeline.toml says); without it spaCy is never
    imported. `limits`: bounds on reading a file (default: parksum/text/data/limits.toml)."""

    def __init__(self, components: Iterable[str] | None = None, *, ner: bool | None = None,
                 limits: Limits | None = None) -> None:
        config = pipeline_config()
        self.limits = limits or Limits.declared()
        self.names = list(components if components is not None else config["pipeline"]["components"])
        unknown = [name for name in self.names if name not in config["components"]]
        if unknown:
            raise ValueError(f"no component {', '.join(unknown)} in pipeline.toml")
        self.warm_up_text: str = config["warm_up"]["text"]
        self.warm = False
        self.components: list[Component] = []
        for name in self.names:
            kwargs = dict(config.get("settings", {}).get(name, {}))
            if ner is not None and "ner" in kwargs:
                kwargs["ner"] = ner
            self.components.append(_factory(config["components"][name])(**kwargs))

    def __call__(self, doc: Document) -> Document:
        for component in self.components:
            doc = component(doc)
        return doc

    def warm_up(self) -> None:
        """Make every component load what it loads lazily, by reading pipeline.toml's warm-up document
        (once: later calls do nothing)."""
        if not self.warm:
            self(Document(text=self.warm_up_text, name="warm-up.txt"))
            self.warm = True

    def make_doc(self, loaded: LoadedText, tags: Tags = NO_TAGS) -> Document:
        doc = Document(text=loaded.text, name=shown(loaded.path.name), park=tags.park, year=tags.year,
                       encoding=loaded.encoding, sha256=loaded.sha256, sources=loaded.sources)
        return self(doc)

    def process_file(self, path: Path | str, tags: Tags = NO_TAGS) -> Document:
        return self.make_doc(load(path, self.limits), tags)

    def pipe(self, paths: Iterable[Path | str], tags_for: Callable[[Path], Tags] = lambda _: Tags(),
             ) -> Iterator[Document | LoadError]:
        """Process files and folders in order; a file that cannot be read yields its LoadError."""
        for path in iter_files(paths, skip=(MANIFEST_NAME,)):
            try:
                yield self.process_file(path, tags_for(path))
            except LoadError as error:
                yield error


def _factory(spec: str) -> Callable[..., Component]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def process_text(text: str, name: str = "<text>", year: int | None = None, *, ner: bool | None = None) -> Document:
    """Run the default pipeline on a string (handy in notebooks and tests)."""
    return Pipeline(ner=ner)(Document(text=text, name=name, year=year))
