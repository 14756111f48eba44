from pathlib import Path

import pytest

from parksum.process.manifest import Manifest, ManifestError, Tags


def test_manifest_in_folder_is_found_and_flags_win(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,park,year\na.txt,高新园,2022\nb.txt,,\n", encoding="utf-8")
    manifest = Manifest.for_inputs([tmp_path])
    assert manifest.tags(tmp_path / "a.txt") == Tags("高新园", 2022)
    assert manifest.tags(tmp_path / "b.txt") == Tags(None, None)
    assert Manifest.for_inputs([tmp_path], park="新园").tags(tmp_path / "a.txt") == Tags("新园", 2022)


@pytest.mark.parametrize(("content", "message"), [
    ("name,park\n", "needs a header"),
    ("file,park,year\na.txt,园,二〇二二\n", "is not a number"),
])
def test_bad_manifests_are_usage_errors(tmp_path, content, message):
    path = tmp_path / "m.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError, match=message):
        Manifest.read(path)


def test_missing_manifest():
    with pytest.raises(ManifestError, match="cannot read"):
        Manifest.read(Path("/nonexistent/manifest.csv"))


def test_nearest_manifest_first_by_path_relative_to_it_and_unlisted_files_named(tmp_path):
    (tmp_path / "2023" / "q1").mkdir(parents=True)
    (tmp_path / "manifest.csv").write_text("file,park,year\n2023/q1/a.txt,高新园,2023\nb.txt,经开区,2022\n",
                                           encoding="utf-8")
    (tmp_path / "2023" / "manifest.csv").write_text("file,park,year\nq1/c.txt,新材料园,2023\n", encoding="utf-8")
    manifest = Manifest.for_inputs([tmp_path])
    assert manifest.tags(tmp_path / "2023" / "q1" / "c.txt") == Tags("新材料园", 2023)  # the nearest
    assert manifest.tags(tmp_path / "2023" / "q1" / "a.txt") == Tags("高新园", 2023)  # further up
    assert manifest.tags(tmp_path / "2023" / "q1" / "b.txt") == Tags(None, None)  # b.txt is another file
    assert manifest.unlisted == [tmp_path / "2023" / "q1" / "b.txt"]


def test_no_manifest_no_unlisted_files(tmp_path):
    manifest = Manifest.for_inputs([tmp_path])
    assert manifest.tags(tmp_path / "a.txt") == Tags(None, None) and manifest.unlisted == []
