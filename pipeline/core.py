"""The pipeline: one `Document` flows through small components declared in pipeline.toml."""
from __future__ import annotations

import importlib
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.doc import Document
from pipeline.loaders import LoadedText, LoadError, iter_files, load

Component = Callable[[Document], Document]


def pipeline_config() -> dict:
    return tomllib.loads(resources.files("pipeline").joinpath("pipeline.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Tags:
    """What the uploader says of a file: its park and year."""

    park: str | None = None
    year: int | None = None


class Pipeline:
    def __init__(self, components: Iterable[str] | None = None, *, models: bool = True) -> None:
        config = pipeline_config()
        names = list(components if components is not None else config["pipeline"]["components"])
        self.names = names
        settings = config.get("settings", {})
        # Factories are imported here, not at module import, and a model component told
        # not to use its model runs its rules only: then spaCy is never imported.
        self.components: list[Component] = []
        for name in names:
            kwargs = dict(settings.get(name, {}))
            if not models and name in config["pipeline"]["model_components"]:
                kwargs["use_model"] = False
            self.components.append(_factory(config["components"][name])(**kwargs))

    def __call__(self, doc: Document) -> Document:
        for component in self.components:
            doc = component(doc)
        return doc

    def make_doc(self, loaded: LoadedText, tags: Tags = Tags()) -> Document:
        doc = Document(text=loaded.text, name=loaded.path.name, park=tags.park, year=tags.year,
                       encoding=loaded.encoding, sha256=loaded.sha256)
        return self(doc)

    def process_file(self, path: Path | str, tags: Tags = Tags()) -> Document:
        return self.make_doc(load(path), tags)

    def pipe(self, paths: Iterable[Path | str], tags_for: Callable[[Path], Tags] = lambda _: Tags(),
             ) -> Iterator[Document | LoadError]:
        """Process files and folders in order; a file that cannot be read yields its LoadError."""
        for path in iter_files(paths):
            try:
                yield self.process_file(path, tags_for(path))
            except LoadError as error:
                yield error


def _factory(spec: str) -> Callable[[], Component]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def process_text(text: str, name: str = "<text>", year: int | None = None) -> Document:
    """Run the default pipeline on a string (handy in notebooks and tests)."""
    return Pipeline()(Document(text=text, name=name, year=year))
