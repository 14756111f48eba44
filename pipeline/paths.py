"""Every path parksum reads or writes outside the current directory, in one place.

Each can be moved by an environment variable, so that an installed wheel, a checkout and a
server deployment find their files the same way:

| path | variable | default |
| --- | --- | --- |
| trained models | PARKSUM_MODELS | the installed `parksum.models` package (models/ in a checkout) |
| annotated corpus (training, evaluation) | PARKSUM_CORPUS | corpus/ of the checkout |
| shared corpora and gold | PARKSUM_SHARED | ../shared beside the checkout |

Data files that ship inside packages (lexicons, rules) are read with `parksum.text.resources`.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# The folder above the installed package: the checkout's root in an editable install (pipeline/ is
# the package), site-packages in a wheel, where corpus/ and ../shared do not exist.
CHECKOUT = Path(__file__).resolve().parent.parent


def _from_env(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value) if value else default


def models_dir() -> Path:
    """Where the trained models are: $PARKSUM_MODELS, else the `parksum.models` package."""
    return _from_env("PARKSUM_MODELS", Path(str(resources.files("parksum.models"))))


def corpus_dir() -> Path:
    """The annotated corpus that training and evaluation read (a checkout's corpus/; not in the wheel)."""
    return _from_env("PARKSUM_CORPUS", CHECKOUT / "corpus")


def shared_dir() -> Path:
    """../shared: the national reports corpus and the gold annotations."""
    return _from_env("PARKSUM_SHARED", CHECKOUT.parent / "shared")


def national_reports() -> Path:
    return shared_dir() / "corpora" / "government_work_reports.jsonl"


def extractors_data_dir() -> Path:
    """extractors/data in a checkout: where `make data` writes the derived data files."""
    return Path(str(resources.files("parksum.extractors"))) / "data"
