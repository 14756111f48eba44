"""Trained models, installed as `parksum.models` (see README.md here for how each is rebuilt)."""
