"""Which park and year each uploaded file belongs to: a CSV with columns file, park, year."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class Tags:
    """What the uploader says of a file: its park and year."""

    park: str | None = None
    year: int | None = None


NO_TAGS = Tags()


class ManifestError(ValueError):
    pass


class Manifest:
    """Tags per file: the nearest manifest.csv in the file's folder or a folder above it (up to the folder
    the batch names) that lists the file by its path relative to that manifest; `--manifest` names one
    manifest for every file (matched by relative path, else by file name). Flags given on the command line
    win over a manifest's row. Files no manifest lists are collected in `unlisted`, where manifests exist."""

    def __init__(self, named: Path | None = None, park: str | None = None, year: int | None = None,
                 roots: Iterable[Path | str] = ()) -> None:
        self.park, self.year = park, year
        self._named = (named.resolve().parent, self.read(named)) if named else None
        self._roots = {Path(r).resolve() for r in roots if Path(r).is_dir()}
        self._found: dict[Path, dict[str, Tags] | None] = {}
        self.unlisted: list[Path] = []

    @classmethod
    def read(cls, path: Path | str) -> dict[str, Tags]:
        path = Path(path)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or "file" not in reader.fieldnames:
                    raise ManifestError(f"{path}: a manifest needs a header with columns file, park, year")
                rows = {}
                for n, row in enumerate(reader, start=2):
                    year = (row.get("year") or "").strip()
                    if year and not year.isdigit():
                        raise ManifestError(f"{path}:{n}: year '{year}' is not a number")
                    rows[Path(row["file"].strip()).as_posix()] = Tags((row.get("park") or "").strip() or None,
                                                                      int(year) if year else None)
                return rows
        except OSError as exc:
            raise ManifestError(f"{path}: cannot read manifest ({exc.strerror})") from None

    @classmethod
    def for_inputs(cls, inputs: Iterable[Path | str], manifest: Path | str | None = None,
                   park: str | None = None, year: int | None = None) -> Manifest:
        return cls(Path(manifest) if manifest else None, park, year, roots=inputs)

    def tags(self, path: Path) -> Tags:
        row = self._row(Path(path).resolve())
        if row is None and (self._named or any(self._found.values())):
            self.unlisted.append(Path(path))
        row = row or NO_TAGS
        return Tags(self.park or row.park, self.year or row.year)

    def _row(self, path: Path) -> Tags | None:
        if self._named:
            folder, rows = self._named
            return rows.get(_relative(path, folder)) or rows.get(path.name)
        # from the file's folder up to the folder of the batch it came in (its own folder for a file named)
        top = max((root for root in self._roots if path.is_relative_to(root)), key=lambda r: len(r.parts),
                  default=path.parent)
        for folder in (path.parent, *path.parent.parents):
            row = self._rows_in(folder).get(_relative(path, folder))
            if row is not None or folder == top:
                return row
        return None

    def _rows_in(self, folder: Path) -> dict[str, Tags]:
        if folder not in self._found:
            manifest = folder / MANIFEST_NAME
            self._found[folder] = self.read(manifest) if manifest.is_file() else None
        return self._found[folder] or {}


def _relative(path: Path, folder: Path) -> str | None:
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else None
