"""parksum: Chinese industrial-park work summaries as structured, comparable data."""
from pipeline.core import Pipeline, Tags, process_text
from pipeline.doc import Document, Entity, Placeholder, Quantity, Section
from pipeline.loaders import LoadError, load

__all__ = ["Document", "Entity", "LoadError", "Pipeline", "Placeholder", "Quantity", "Section", "Tags",
           "load", "process_text"]
