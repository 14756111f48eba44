"""parksum: Chinese industrial-park work summaries as structured, comparable data.

The package's rooms are its layers, each importing only from the ones before it:
text (document model, loading) → structure (outline, metadata) → extractors (rules, NER) →
process (the pipeline of components) → store (the database; all SQL) → analyst (facts,
comparisons, reports, search) → interfaces (the command line, Datasette). `paths` sits under
them all. Training and evaluation (`parksum.extractors.training`) are never imported by them.
"""
from importlib.metadata import PackageNotFoundError, version

from parksum.process.manifest import Tags
from parksum.process.runner import Pipeline, process_text
from parksum.text.doc import Document, Entity, Placeholder, Quantity, Section
from parksum.text.loaders import LoadError, load

try:
    __version__ = version("parksum")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["Document", "Entity", "LoadError", "Pipeline", "Placeholder", "Quantity", "Section", "Tags",
           "__version__", "load", "process_text"]
