"""Every notebook in notebooks/ runs top to bottom against the fixture store, so none can rot."""
import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_plots(path, facts_db, monkeypatch):
    monkeypatch.setenv("PARKSUM_DB", facts_db)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's pipeline
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plot was drawn
    assert any("高新工业园" in o.get("data", {}).get("text/plain", "") for o in outputs)
