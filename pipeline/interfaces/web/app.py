"""`parksum serve`: the upload service and the analysts' pages, as one ASGI application.

JSON under /api (described at /openapi.json), HTML pages beside it. Writing (uploads, deletes) takes a
token from `parksum tokens create`, sent as `Authorization: Bearer …` by scripts, or kept in a cookie by
the login page (then every form and script call also carries the page's CSRF token). Reading is open
unless the service runs with `read_token`.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import secrets
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from parksum.analyst.compare import as_text
from parksum.analyst.facts import MASKED, facts, resolve_indicators
from parksum.analyst.report import render_html
from parksum.analyst.search import search as find
from parksum.interfaces.web import highlight
from parksum.interfaces.web.intake import BlobStore, Limits, safe_name, take
from parksum.interfaces.web.worker import Workers
from parksum.process.manifest import NO_TAGS, Manifest, ManifestError, Tags
from parksum.store import Store, documents, sqlite_file, uploads

TOKEN_COOKIE, CSRF_COOKIE, CSRF_HEADER = "parksum_token", "parksum_csrf", "x-csrf-token"
HERE = Path(str(resources.files("parksum.interfaces.web")))
SNIPPET_MARKS = ("\ue000", "\ue001")  # private-use characters: no document holds them, so they survive escaping
EXPLORER_COLUMNS = ["park", "indicator", "period_year", "status", "value", "unit", "growth", "mentions",
                    "document", "sentence"]


@dataclass(frozen=True)
class Settings:
    db: str  # a SQLAlchemy URL
    uploads: Path  # where uploaded bytes are kept
    limits: Limits = field(default_factory=Limits)
    workers: int = 2  # worker processes; 0: none (tests drain the queue themselves)
    read_token: bool = False  # reading needs a token too
    ner: bool | None = None  # as pipeline.toml says


def default_uploads(db_url: str) -> Path:
    """Beside a SQLite file (parks.db → parks-uploads/), else parksum-uploads/ in the current folder."""
    path = sqlite_file(db_url)
    return path.with_name(f"{path.stem}-uploads") if path else Path("parksum-uploads")


def create_app(settings: Settings) -> FastAPI:
    store = Store(settings.db, write=True)
    blobs = BlobStore(settings.uploads)
    secret = _secret(settings.uploads / ".secret")
    pages = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    pages.filters["marked"] = _marked

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        uploads.requeue_unfinished(store.engine)  # what a stopped server left half-done
        workers = Workers(store.url, settings.uploads, settings.workers, ner=settings.ner)
        workers.start()
        watch = asyncio.create_task(_replace_dead(workers))
        try:
            yield
        finally:
            watch.cancel()
            await run_in_threadpool(workers.close)

    app = FastAPI(title="parksum", summary="Uploads of park work summaries, and what was extracted from them",
                  version="1", lifespan=lifespan, docs_url=None, redoc_url=None)  # their pages load from a CDN
    app.state.store, app.state.blobs, app.state.settings, app.state.secret = store, blobs, settings, secret
    app.add_middleware(BodyLimit, limit=settings.limits.batch_bytes)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        signed_in = token_of(request)[0] is not None
        if settings.read_token and not signed_in and template not in ("login.html", "error.html"):
            return RedirectResponse("/login", 303)
        html = pages.get_template(template).render(request=request, csrf=csrf_token(request), signed_in=signed_in,
                                                   **context)
        response = HTMLResponse(html, status)
        new_session = getattr(request.state, "new_csrf", None)
        if new_session:
            response.set_cookie(CSRF_COOKIE, new_session, httponly=True, samesite="strict")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": error.detail}, error.status_code, headers=error.headers)
        return page(request, "error.html", error.status_code, message=error.detail)

    # -- uploads ----------------------------------------------------------------------------------------------

    async def new_batch(request: Request, files: list[UploadFile], manifest: UploadFile | None, park: str | None,
                        year: int | None, csrf: str | None) -> dict[str, Any]:
        token = await run_in_threadpool(writer, request, csrf)
        named = [f for f in files if f.filename]
        if not named:
            raise HTTPException(400, "no files in the upload")
        if len(named) > settings.limits.batch_files:
            raise HTTPException(413, f"{len(named)} files (at most {settings.limits.batch_files} per batch)")
        rows = await _manifest_rows(manifest)
        tags = Tags(park.strip() or None if park else None, year)
        received = [(upload.filename, await upload.read(settings.limits.file_bytes + 1)) for upload in named]

        def tags_for(name: str) -> Tags:
            row = rows.get(name) or rows.get(Path(name).name) or NO_TAGS
            return Tags(tags.park or row.park, tags.year or row.year)

        def keep() -> dict[str, Any]:  # hashing, writing and the database: off the event loop
            taken = [f for name, data in received for f in take(name, data, blobs, settings.limits, tags_for)]
            if len(taken) > settings.limits.batch_files:
                raise HTTPException(413, f"{len(taken)} files (at most {settings.limits.batch_files} per batch)")
            batch_id = uploads.create_batch(store.engine, taken, park=tags.park, year=tags.year, token_id=token)
            return uploads.batch(store.engine, batch_id)

        return await run_in_threadpool(keep)

    @app.post("/api/batches", status_code=201, tags=["uploads"])
    async def upload_batch(request: Request, files: Annotated[list[UploadFile], File(description=".txt .docx .doc "
                                                                                      ".pdf or .zip of them")],
                           manifest: Annotated[UploadFile | None, File(description="CSV: file,park,year")] = None,
                           park: Annotated[str | None, Form()] = None, year: Annotated[int | None, Form()] = None,
                           csrf: Annotated[str | None, Form()] = None) -> dict[str, Any]:
        """Upload files (multipart field `files`, repeated): each is stored as received, then processed in
        the background. Poll GET /api/batches/{id} for each file's status."""
        return await new_batch(request, files, manifest, park, year, csrf)

    @app.post("/batches", include_in_schema=False)
    async def upload_form(request: Request, files: Annotated[list[UploadFile], File()],
                          manifest: Annotated[UploadFile | None, File()] = None,
                          park: Annotated[str | None, Form()] = None, year: Annotated[str | None, Form()] = None,
                          csrf: Annotated[str | None, Form()] = None) -> Response:
        found = await new_batch(request, files, manifest if manifest and manifest.filename else None, park,
                                int(year) if year and year.strip().isdigit() else None, csrf)
        return RedirectResponse(f"/batches/{found['id']}", 303)

    @app.get("/api/batches", tags=["uploads"])
    def list_batches(_: Reader) -> list[dict[str, Any]]:
        return uploads.batches(store.engine)

    @app.get("/api/batches/{batch_id}", tags=["uploads"])
    def get_batch(batch_id: int, _: Reader) -> dict[str, Any]:
        """The batch's files with their status: queued, processing, stored, unchanged or failed (with reason)."""
        found = uploads.batch(store.engine, batch_id)
        if found is None:
            raise HTTPException(404, f"no batch {batch_id}")
        return found

    # -- documents --------------------------------------------------------------------------------------------

    @app.get("/api/documents", tags=["documents"])
    def list_documents(_: Reader, park: str | None = None, year: int | None = None,
                       type: Annotated[str | None, Query(description="讲话, 总结, 汇报 …")] = None,
                       limit: Annotated[int, Query(le=1000)] = 100, offset: int = 0) -> dict[str, Any]:
        rows, total = documents.list_documents(store, park=park, year=year, doc_type=type, limit=limit,
                                               offset=offset)
        return {"total": total, "documents": rows}

    @app.get("/api/documents/{document_id}", tags=["documents"])
    def get_document(document_id: int, _: Reader) -> dict[str, Any]:
        """The text, and every section, figure, mask and entity with its span in the text."""
        return _document(document_id)

    @app.delete("/api/documents/{document_id}", status_code=204, tags=["documents"])
    def delete_document(document_id: int, request: Request) -> Response:
        writer(request)
        if not uploads.delete_document(store, document_id):
            raise HTTPException(404, f"no document {document_id}")
        return Response(status_code=204)

    def _document(document_id: int) -> dict[str, Any]:
        found = documents.document(store, document_id)
        if found is None:
            raise HTTPException(404, f"no document {document_id}")
        return found

    # -- metrics, report, search ------------------------------------------------------------------------------

    def explorer(park: str | None, indicator: str | None, period: int | None, status: str | None) -> pd.DataFrame:
        try:
            names = resolve_indicators([indicator], store) if indicator else None
        except LookupError as error:
            raise HTTPException(400, error.args[0]) from None
        frame = facts(store, indicators=names, park=park, period=period, status=status)
        frame["value"] = [MASKED if masked else text for masked, text in zip(
            frame["masked"].fillna(False), frame["value_text"], strict=True)]
        frame["growth"] = [MASKED if masked else growth for masked, growth in zip(
            frame["growth_masked"].fillna(False), frame["growth"], strict=True)]
        return frame[EXPLORER_COLUMNS].astype(object).where(frame[EXPLORER_COLUMNS].notna(), None)

    @app.get("/api/metrics", tags=["analysis"])
    def metrics(_: Reader, filters: MetricFilters) -> list[dict[str, Any]]:
        """Facts per park, indicator, period and status; a masked value or growth reads "masked", never 0."""
        return explorer(**filters).to_dict("records")

    @app.get("/metrics.{fmt}", tags=["analysis"])
    def metrics_download(fmt: str, _: Reader, filters: MetricFilters) -> Response:
        """The explorer's rows as CSV or XLSX; a cell that starts with = + - @ is written as text."""
        table = as_text(explorer(**filters).set_index("park"))
        if fmt == "csv":
            body, media = ("\ufeff" + table.to_csv()).encode("utf-8"), "text/csv; charset=utf-8"
        elif fmt == "xlsx":
            buffer = io.BytesIO()
            table.to_excel(buffer, sheet_name="metrics")
            body, media = buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise HTTPException(404, "metrics download is .csv or .xlsx")
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="parksum-metrics.{fmt}"'})

    report_cache: dict[tuple, str] = {}

    @app.get("/api/report", response_class=HTMLResponse, tags=["analysis"])
    def report(_: Reader) -> HTMLResponse:
        """The comparison report of `parksum report`, one self-contained HTML page."""
        key = documents.fingerprint(store)
        if key not in report_cache:  # rendered once per state of the store: it reads every fact
            report_cache.clear()
            report_cache[key] = render_html(store)
        return HTMLResponse(report_cache[key])

    @app.get("/api/search", tags=["analysis"])
    def search(_: Reader, q: str, park: str | None = None, kind: str | None = None,
               limit: Annotated[int, Query(le=200)] = 20) -> list[dict[str, Any]]:
        """Sections holding every word of `q`, best first; the snippet marks the words with [ ]."""
        if not q.split():
            raise HTTPException(400, "search needs a word to find")
        return find(q, store, park=park or None, kind=kind or None, limit=limit).to_dict("records")

    # -- pages ------------------------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def upload_page(request: Request) -> HTMLResponse:
        return page(request, "upload.html", limits=settings.limits, batches=uploads.batches(store.engine, 10))

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "login.html")

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: Annotated[str, Form()], csrf: Annotated[str, Form()]) -> Response:
        check_csrf(request, csrf)
        if uploads.token_id(store.engine, token.strip()) is None:
            return page(request, "login.html", 401, error="unknown or revoked token")
        response = RedirectResponse("/", 303)
        response.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict")
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: Annotated[str, Form()]) -> Response:
        writer(request, csrf)
        response = RedirectResponse("/", 303)
        response.delete_cookie(TOKEN_COOKIE)
        return response

    @app.get("/batches", include_in_schema=False)
    def batches_page(request: Request) -> HTMLResponse:
        return page(request, "batches.html", batches=uploads.batches(store.engine, 200))

    @app.get("/batches/{batch_id}", include_in_schema=False)
    def batch_page(request: Request, batch_id: int) -> HTMLResponse:
        found = uploads.batch(store.engine, batch_id)
        if found is None:
            raise HTTPException(404, f"no batch {batch_id}")
        return page(request, "batch.html", batch=found)

    @app.get("/documents", include_in_schema=False)
    def documents_page(request: Request, park: str | None = None, year: str | None = None,
                       type: str | None = None, offset: int = 0) -> HTMLResponse:
        chosen = {"park": park or None, "year": int(year) if year and year.isdigit() else None,
                  "type": type or None}
        rows, total = documents.list_documents(store, park=chosen["park"], year=chosen["year"],
                                               doc_type=chosen["type"], offset=max(0, offset))
        return page(request, "documents.html", rows=rows, total=total, offset=max(0, offset), chosen=chosen,
                    choices=documents.filter_choices(store))

    @app.get("/documents/{document_id}", include_in_schema=False)
    def document_page(request: Request, document_id: int) -> HTMLResponse:
        found = _document(document_id)
        sections = {s["id"]: s["path"] or "(preamble)" for s in found["sections"]}
        return page(request, "document.html", doc=found, text=highlight.marked_text(found),
                    outline=highlight.outline(found["sections"]), sections=sections)

    @app.post("/documents/{document_id}/delete", include_in_schema=False)
    def delete_form(request: Request, document_id: int, csrf: Annotated[str, Form()]) -> Response:
        writer(request, csrf)
        if not uploads.delete_document(store, document_id):
            raise HTTPException(404, f"no document {document_id}")
        return RedirectResponse("/documents", 303)

    @app.get("/metrics", include_in_schema=False)
    def metrics_page(request: Request, filters: MetricFilters) -> HTMLResponse:
        table = explorer(**filters)
        pivot = _pivot(table)
        query = "&".join(f"{k}={v}" for k, v in request.query_params.items())
        return page(request, "metrics.html", pivot=pivot, rows=len(table), filters=filters, query=query,
                    choices=documents.filter_choices(store),
                    indicators=sorted(facts(store)["indicator"].dropna().unique()))

    @app.get("/report", include_in_schema=False)
    def report_page(request: Request) -> HTMLResponse:
        return page(request, "report.html")

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request, q: str = "", park: str | None = None, kind: str | None = None) -> HTMLResponse:
        hits = find(q, store, park=park or None, kind=kind or None, limit=50, mark=SNIPPET_MARKS
                    ).to_dict("records") if q.split() else []
        owners = documents.documents_of_sections(store, [h["section_id"] for h in hits])
        hits = [h | {"document_id": owners.get(h["section_id"])} for h in hits]
        return page(request, "search.html", q=q, hits=hits, park=park, kind=kind,
                    choices=documents.filter_choices(store))

    return app


# -- who is calling (dependencies read the app's state, so that they live at module level for FastAPI) -----------

def csrf_token(request: Request) -> str:
    """The page's CSRF token: the signature of the browser's CSRF cookie (made on its first page)."""
    session = request.cookies.get(CSRF_COOKIE)
    if not session:
        session = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(16)
        request.state.new_csrf = session  # page() sets it as the cookie
    return hmac.new(request.app.state.secret, session.encode(), hashlib.sha256).hexdigest()


def token_of(request: Request) -> tuple[int | None, bool]:
    """The caller's live token id, and whether it came in a cookie (which a forged form would send too)."""
    engine = request.app.state.store.engine
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return uploads.token_id(engine, header[7:].strip()), False
    cookie = request.cookies.get(TOKEN_COOKIE)
    return (uploads.token_id(engine, cookie), True) if cookie else (None, False)


def check_csrf(request: Request, given: str | None) -> None:
    if not (request.cookies.get(CSRF_COOKIE) and hmac.compare_digest(given or "", csrf_token(request))):
        raise HTTPException(403, "the form's CSRF token is missing or stale: reload the page")


def writer(request: Request, csrf: str | None = None) -> int:
    """The token id of a caller allowed to write; a browser's cookie counts only with the page's CSRF token."""
    found, by_cookie = token_of(request)
    if found is None:
        raise HTTPException(401, "a token is needed: parksum tokens create NAME, then Authorization: Bearer …",
                            headers={"WWW-Authenticate": "Bearer"})
    if by_cookie:
        check_csrf(request, csrf or request.headers.get(CSRF_HEADER))
    return found


def reader(request: Request) -> None:
    if request.app.state.settings.read_token and token_of(request)[0] is None:
        raise HTTPException(401, "reading needs a token here", headers={"WWW-Authenticate": "Bearer"})


def metric_filters(park: str | None = None, indicator: str | None = None, period: str | None = None,
                   status: str | None = None) -> dict[str, Any]:
    return {"park": park or None, "indicator": indicator or None,
            "period": int(period) if period and period.isdigit() else None, "status": status or None}


Reader = Annotated[None, Depends(reader)]
MetricFilters = Annotated[dict, Depends(metric_filters)]


async def _replace_dead(workers: Workers, every: float = 2.0) -> None:
    while True:
        await asyncio.sleep(every)
        await run_in_threadpool(workers.replace_dead)


def _marked(snippet: str) -> Markup:
    """A search snippet escaped, its marked words in <mark>."""
    return Markup(str(escape(snippet)).replace(SNIPPET_MARKS[0], "<mark>").replace(SNIPPET_MARKS[1], "</mark>"))


def _pivot(table: pd.DataFrame) -> dict[str, Any]:
    """park × indicator rows, a column per period (year and status): the value with its unit, or masked."""
    if table.empty:
        return {"periods": [], "rows": []}
    cells = table.assign(period=[f"{int(y) if y is not None else '?'} {s}" for y, s in zip(
        table["period_year"], table["status"], strict=True)])
    periods = sorted(cells["period"].unique(), reverse=True)
    rows = []
    for (park, indicator), group in cells.groupby(["park", "indicator"], sort=True):
        by_period = {r.period: {"value": r.value, "unit": r.unit or "", "sentence": r.sentence or ""}
                     for r in group.itertuples()}
        rows.append({"park": park, "indicator": indicator, "cells": [by_period.get(p) for p in periods]})
    return {"periods": periods, "rows": rows}


async def _manifest_rows(manifest: UploadFile | None) -> dict[str, Tags]:
    if manifest is None:
        return {}
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(await manifest.read(2**20))
        handle.flush()
        try:
            return Manifest.read(handle.name)
        except ManifestError as error:
            raise HTTPException(400, f"manifest {safe_name(manifest.filename or '')}: "
                                     f"{str(error).split(': ', 1)[-1]}") from None


def _secret(path: Path) -> bytes:
    """The key that signs CSRF tokens, kept beside the uploads so that open pages survive a restart."""
    if not path.is_file():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip().encode()


class BodyLimit:
    """Refuse a request body over `limit` bytes with 413, by its Content-Length or, sent in chunks, as it
    streams in: an oversized batch is never spooled to disk whole."""

    def __init__(self, app: Callable[..., Awaitable[None]], limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send, self.limit)
        seen = 0
        started = False

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge
            return message

        async def watched(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await _too_large(send, self.limit)


class TooLarge(Exception):
    pass


async def _too_large(send: Callable, limit: int) -> None:
    body = f'{{"detail": "the upload is over {limit / 2**20:.0f} MB: send it in smaller batches"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
