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
    """Tags by file name; flags given on the command line win over the file's row."""

    def __init__(self, rows: dict[str, Tags] | None = None, park: str | None = None,
                 year: int | None = None) -> None:
        self.rows = rows or {}
        self.park = park
        self.year = year

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
                    rows[row["file"].strip()] = Tags((row.get("park") or "").strip() or None,
                                                     int(year) if year else None)
                return rows
        except OSError as exc:
            raise ManifestError(f"{path}: cannot read manifest ({exc.strerror})") from None

    @classmethod
    def for_inputs(cls, inputs: Iterable[Path | str], manifest: Path | str | None = None,
                   park: str | None = None, year: int | None = None) -> Manifest:
        """The named manifest, else every manifest.csv inside the folders given."""
        rows: dict[str, Tags] = {}
        if manifest:
            rows.update(cls.read(manifest))
        else:
            for folder in (Path(p) for p in inputs):
                if folder.is_dir() and (folder / MANIFEST_NAME).is_file():
                    rows.update(cls.read(folder / MANIFEST_NAME))
        return cls(rows, park, year)

    def tags(self, path: Path) -> Tags:
        row = self.rows.get(path.name) or self.rows.get(str(path)) or Tags()
        return Tags(self.park or row.park, self.year or row.year)
