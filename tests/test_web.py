"""The web service through its test client: uploads with tokens and CSRF, jobs to the end, the pages and
their JSON, escaping and formula-safe downloads. The browser and load tests run a real server (slow)."""
import io
import os
import re
import signal
import time
from csv import DictReader
from io import StringIO
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from parksum.interfaces.web.app import CSRF_HEADER, Settings, create_app
from parksum.interfaces.web.intake import Limits
from parksum.interfaces.web.worker import drain
from parksum.process.runner import Pipeline
from parksum.store import uploads
from tests.bench_web import Server, problems
from tests.bench_web import run as run_load
from tests.conftest import DATA, ROOT
from tests.test_report import CHROMIUM, CHROMIUM_ARGS, _browser

FILES, WEB = DATA / "files", DATA / "web"


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(ner=False)


def _service(tmp_path, **settings):
    app = create_app(Settings(f"sqlite:///{tmp_path / 'parks.db'}", tmp_path / "uploads", workers=0, **settings))
    token = uploads.create_token(app.state.store.engine, "office")
    return app, TestClient(app), {"Authorization": f"Bearer {token}"}, token


@pytest.fixture
def service(tmp_path):
    return _service(tmp_path)


def _upload(client, auth, *names, **fields):
    files = [("files", (name, (WEB / name if (WEB / name).is_file() else FILES / name).read_bytes()))
             for name in names]
    return client.post("/api/batches", files=files, data=fields, headers=auth)


def _work(app, pipeline):
    return drain(app.state.store, app.state.blobs, pipeline)


def test_uploads_need_a_live_token(service):
    app, client, auth, _token = service
    assert _upload(client, {}, "utf8.txt").status_code == 401
    assert _upload(client, {"Authorization": "Bearer pk_guess"}, "utf8.txt").status_code == 401
    uploads.revoke_token(app.state.store.engine, "office")
    assert _upload(client, auth, "utf8.txt").status_code == 401
    assert client.delete("/api/documents/1").status_code == 401


def test_a_batch_is_processed_to_one_status_per_file(service, pipeline):
    app, client, auth, _ = service
    answer = _upload(client, auth, "utf8.txt", "sample.docx", "binary.txt", "broken.docx", park="高新园", year="2023")
    assert answer.status_code == 201
    batch = answer.json()
    assert [f["status"] for f in batch["files"]] == ["queued", "queued", "failed", "failed"]
    assert "judged by its content" in batch["files"][2]["reason"]
    assert batch["files"][3]["reason"] == "a broken zip archive"
    assert _work(app, pipeline) == 2
    done = client.get(f"/api/batches/{batch['id']}").json()
    assert done["done"] and [f["status"] for f in done["files"]] == ["stored", "stored", "failed", "failed"]
    document = client.get(f"/api/documents/{done['files'][0]['document_id']}").json()
    assert (document["park"], document["year"], document["source_name"]) == ("高新园", 2023, "utf8.txt")
    assert any(m["masked"] for m in document["metrics"]) and document["placeholders"]
    again = _upload(client, auth, "utf8.txt").json()
    _work(app, pipeline)
    assert client.get(f"/api/batches/{again['id']}").json()["files"][0]["status"] == "unchanged"


def test_a_manifest_tags_files_and_the_form_fields_win(service):
    _app, client, auth, _ = service
    manifest = ("manifest", ("manifest.csv", (WEB / "manifest.csv").read_bytes()))
    files = [("files", ("utf8.txt", (FILES / "utf8.txt").read_bytes())), manifest]
    tagged = client.post("/api/batches", files=files, headers=auth).json()["files"][0]
    assert (tagged["park"], tagged["year"]) == ("清单园", 2021)
    overridden = client.post("/api/batches", files=files, data={"year": "2024"}, headers=auth).json()["files"][0]
    assert (overridden["park"], overridden["year"]) == ("清单园", 2024)
    bad = [("files", ("a.txt", b"x")), ("manifest", ("m.csv", b"name,park\n"))]
    assert client.post("/api/batches", files=bad, headers=auth).status_code == 400


def test_a_restart_queues_the_half_done_jobs_again(tmp_path, pipeline):
    app, client, auth, _ = _service(tmp_path)
    batch = _upload(client, auth, "utf8.txt").json()
    uploads.claim_job(app.state.store.engine)  # a worker took it, then the server died
    restarted = create_app(Settings(f"sqlite:///{tmp_path / 'parks.db'}", tmp_path / "uploads", workers=0))
    with TestClient(restarted) as client_after:  # the lifespan runs: jobs re-queued, no workers
        assert client_after.get(f"/api/batches/{batch['id']}").json()["files"][0]["status"] == "queued"
    assert _work(restarted, pipeline) == 1


def test_a_request_over_the_batch_cap_is_refused(tmp_path):
    _app, client, auth, _ = _service(tmp_path, limits=Limits(batch_bytes=50_000, file_bytes=2_000))
    assert client.post("/api/batches", files=[("files", ("a.txt", b"x" * 60_000))], headers=auth).status_code == 413
    small = client.post("/api/batches", files=[("files", ("a.txt", "字".encode() * 1000))], headers=auth).json()
    assert "per file" in small["files"][0]["reason"]


def test_the_pages_forms_need_the_csrf_token_with_the_cookie(service, pipeline):
    app, client, _, token = service
    home = client.get("/")
    csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', home.text).group(1)
    assert client.post("/login", data={"token": token, "csrf": "forged"}).status_code == 403
    assert client.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False).status_code == 303
    files = [("files", ("utf8.txt", (FILES / "utf8.txt").read_bytes()))]
    assert client.post("/api/batches", files=files).status_code == 403  # the cookie alone: a forged form
    assert client.post("/api/batches", files=files, headers={CSRF_HEADER: csrf}).status_code == 201
    posted = client.post("/batches", files=files, data={"csrf": csrf, "park": "表单园"}, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"].startswith("/batches/")
    _work(app, pipeline)
    document_id = client.get("/api/documents").json()["documents"][0]["id"]
    assert client.post(f"/documents/{document_id}/delete", data={"csrf": "x"}).status_code == 403
    assert client.post(f"/documents/{document_id}/delete", data={"csrf": csrf}, follow_redirects=False
                       ).status_code == 303
    assert client.get(f"/api/documents/{document_id}").status_code == 404


def test_reading_can_require_a_token(tmp_path):
    _, client, auth, _ = _service(tmp_path, read_token=True)
    assert client.get("/api/documents").status_code == 401
    assert client.get("/api/documents", headers=auth).status_code == 200
    assert client.get("/documents", follow_redirects=False).headers["location"] == "/login"


@pytest.fixture
def stored(service, pipeline):
    """The service after a batch of a hostile document (markup, a formula as a park name) and a sample."""
    app, client, auth, _ = service
    _upload(client, auth, "hostile.txt", park='=HYPERLINK("http://example.invalid")', year="2023")
    _upload(client, auth, "utf8.txt", park="高新园", year="2022")
    _work(app, pipeline)
    return service


def test_document_text_is_escaped_and_masked_figures_are_marked(stored):
    _, client, _, _ = stored
    listed = client.get("/api/documents").json()
    assert listed["total"] == 2
    hostile = next(d for d in listed["documents"] if d["source_name"] == "hostile.txt")
    page = client.get(f"/documents/{hostile['id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;" in page
    assert re.search(r'<mark class="figure masked" id="at-metric-\d+"', page)
    assert re.search(r'<mark class="mask" id="at-placeholder-\d+"[^>]*>\*\*</mark>', page)
    assert 'id="row-metric-' in page and "存在问题" in page  # the outline beside the text


def test_documents_are_filtered_by_park_year_and_type(stored):
    _, client, _, _ = stored
    assert [d["park"] for d in client.get("/api/documents?park=高新园").json()["documents"]] == ["高新园"]
    assert client.get("/api/documents?year=2023").json()["total"] == 1
    assert client.get("/api/documents?type=总结").json()["total"] == 2
    assert client.get("/api/documents?year=1999").json()["total"] == 0
    page = client.get("/documents?park=高新园").text
    assert "省级工业园区2022年工作总结" in page and "创新园" not in page


def test_metrics_show_masked_as_masked_and_downloads_neutralise_formulas(stored):
    _, client, _, _ = stored
    rows = client.get("/api/metrics", params={"indicator": "规上工业总产值"}).json()
    assert {r["value"] for r in rows} == {"masked"}
    assert "<td class=\"masked\"" in client.get("/metrics?indicator=规上工业总产值").text
    csv = client.get("/metrics.csv", params={"indicator": "规上工业总产值"})
    assert csv.headers["content-type"].startswith("text/csv")
    parks = {row["park"] for row in DictReader(StringIO(csv.text.lstrip("\ufeff")))}
    assert parks == {"'=HYPERLINK(\"http://example.invalid\")", "高新园"}
    book = load_workbook(io.BytesIO(client.get("/metrics.xlsx").content))
    parks = {row[0].value for row in book.active.iter_rows(min_row=2)}
    assert "'=HYPERLINK(\"http://example.invalid\")" in parks and "高新园" in parks
    assert client.get("/api/metrics?indicator=没有这个指标").status_code == 400


def test_report_search_and_openapi(stored):
    _, client, _, _ = stored
    report = client.get("/api/report").text
    assert report.startswith("<!DOCTYPE html>") and "高新园" in report
    assert "<iframe" in client.get("/report").text
    hits = client.get("/api/search", params={"q": "招商渠道"}).json()
    assert hits[0]["snippet"].count("[招商渠道]") == 1
    page = client.get("/search", params={"q": "招商渠道"}).text
    assert "<mark>招商渠道</mark>" in page and re.search(r'href="/documents/\d+#section-\d+"', page)
    assert "<mark>" not in client.get("/search", params={"q": "<mark>"}).text.split("<main>")[1]
    schema = client.get("/openapi.json").json()
    assert {"/api/batches", "/api/batches/{batch_id}", "/api/documents", "/api/documents/{document_id}",
            "/api/metrics", "/api/report", "/api/search"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 404  # Swagger's page would load from a CDN


@pytest.mark.slow
def test_many_clients_at_once_and_a_restart_lose_nothing(tmp_path):
    """A small run of tests/bench_web.py (make bench-web runs 500 files from 20 clients)."""
    figures = run_load(tmp_path, files=24, clients=6, per_request=2)
    assert problems(figures) == []
    assert figures["restarted_after_seconds"] is not None and figures["statuses"] == {"stored": 24}


@pytest.mark.slow
def test_upload_watch_read_and_download_in_a_real_browser(tmp_path):
    sync_playwright = _browser()
    server = Server(tmp_path)
    token = server.token()
    server.start()
    errors: list[str] = []
    shots = ROOT / "build"
    shots.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.goto(f"{server.url}/login")
                page.fill("input[name=token]", token)
                page.click("form.login button")
                page.wait_for_url(f"{server.url}/")
                page.set_input_files("#files", [FILES / "utf8.txt", FILES / "sample.docx", FILES / "sample.pdf"])
                page.fill("input[name=park]", "高新园")
                page.fill("input[name=year]", "2022")
                assert page.locator("#chosen li").count() == 3
                page.screenshot(path=str(shots / "web-upload.png"), full_page=True)
                page.click("#send")
                page.wait_for_url(re.compile(r".*/batches/\d+$"))
                page.wait_for_function("document.querySelectorAll('#files td.status.stored').length === 3",
                                       timeout=180_000)
                assert page.locator("#counts").inner_text().split() == [
                    "queued", "0", "processing", "0", "stored", "3", "unchanged", "0", "failed", "0"]
                page.screenshot(path=str(shots / "web-batch.png"), full_page=True)
                page.click("tr[data-file] >> nth=0 >> td.outcome a")
                masked = page.locator("#text mark.figure.masked").first
                masked.wait_for()
                assert masked.locator("mark.mask").inner_text() == "**"
                assert masked.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
                masked.locator("mark.mask").click()  # the mask leads to its row, which names its figure
                assert page.locator("tr.on").get_attribute("id").startswith("row-placeholder-")
                assert page.locator("tr.on a[href^='#row-metric-']").count() == 1
                page.screenshot(path=str(shots / "web-document.png"))
                page.goto(f"{server.url}/metrics")
                with page.expect_download() as download:
                    page.click("#xlsx")
                assert download.value.suggested_filename == "parksum-metrics.xlsx"
                download.value.save_as(tmp_path / "metrics.xlsx")
                book = load_workbook(tmp_path / "metrics.xlsx")
                values = [row[4].value for row in book.active.iter_rows(min_row=2)]
                assert "masked" in values
                page.goto(f"{server.url}/report")
                page.frame_locator("#report").locator("h1").wait_for()
                page.screenshot(path=str(shots / "web-report.png"))
            finally:
                browser.close()
    finally:
        server.stop()
    assert errors == []


def _worker_pids(server_pid: int) -> list[int]:
    """The server's worker processes (spawned children; the resource tracker is not one)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == server_pid and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
def test_a_worker_that_dies_is_replaced(tmp_path):
    server = Server(tmp_path, workers=1)
    auth = {"Authorization": f"Bearer {server.token()}"}
    server.start()
    try:
        [worker] = _worker_pids(server.process.pid)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while _worker_pids(server.process.pid) in ([], [worker]) and time.monotonic() < deadline:
            time.sleep(0.5)
        [replacement] = _worker_pids(server.process.pid)
        assert replacement != worker
        files = [("files", ("utf8.txt", (FILES / "utf8.txt").read_bytes()))]
        batch = httpx.post(f"{server.url}/api/batches", files=files, headers=auth).json()
        while not httpx.get(f"{server.url}/api/batches/{batch['id']}").json()["done"]:
            assert time.monotonic() < deadline + 120
            time.sleep(0.5)
        assert server.statuses() == {"stored": 1}
    finally:
        server.stop()


def test_the_report_is_rendered_again_once_the_documents_change(stored, pipeline):
    app, client, auth, _ = stored
    before = client.get("/api/report").text
    assert client.get("/api/report").text == before
    _upload(client, auth, "sample.pdf", park="新园区", year="2022")
    _work(app, pipeline)
    assert "新园区" in client.get("/api/report").text and "新园区" not in before
