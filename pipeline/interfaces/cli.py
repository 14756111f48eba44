"""`parksum`: the command line, a thin layer over the Python API."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

from tqdm import tqdm

from parksum.process.batch import Engine, Job, Outcome, Writer, default_workers, plan, run, store_writer
from parksum.process.manifest import Manifest, ManifestError
from parksum.process.runner import STRUCTURE, Pipeline
from parksum.text.doc import Document
from parksum.text.loaders import Limits, LoadError, shown

log = logging.getLogger("parksum")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
parksum turns Chinese industrial-park work summaries (园区工作总结, 述职报告, 讲话) into
structured data: the outline of each document, every reported figure and every masked
value, stored with the section and character span it came from.
"""

EXAMPLES = """\
examples:
  parksum ingest corpus/                     store every .txt/.docx/.pdf under corpus/ in parks.db
  parksum ingest uploads/ --report out.json  the outcome of every file, as JSON
  parksum ingest report.docx --park 高新园 --year 2023
  parksum summary                            documents and sections per kind in parks.db
  parksum outline corpus/000_92d85f14430dc49d.txt
  parksum extract corpus/*.txt --out out/    one JSON file per document, no database
  parksum compare --indicator 规上工业总产值 税收   parks side by side
  parksum search 标准厂房 --kind problems        sections that mention it
  parksum report --out report.html --xlsx report.xlsx
  parksum browse                             explore parks.db in Datasette, read-only
  parksum entities --label COMPANY           which companies each park names, counted
  parksum train-ner && parksum evaluate-ner  rebuild the NER model; score it against the rules

The database is parks.db unless --db or $PARKSUM_DB names another (a file path, or any
SQLAlchemy URL such as postgresql://user@host/parks).
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose - args.quiet)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    errors: tuple[type[Exception], ...] = (ManifestError, FileNotFoundError)  # a bad manifest, a missing corpus
    if "db" in args:  # a command on the store (which it imports anyway): a store it cannot open is a message
        from parksum.store import StoreError

        errors = (*errors, StoreError)
    try:
        return args.handler(args)
    except errors as exc:
        log.error("%s", exc)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parksum", description=DESCRIPTION, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"parksum {version('parksum')}")
    _verbosity(parser)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    ingest = _command(commands, "ingest", cmd_ingest, "process files and store them in the database",
                      "parksum ingest corpus/\n  parksum ingest a.txt b.pdf --park 高新园 --year 2022 --db parks.db",
                      "Each file is stored whole or not at all. The same content ingested twice is stored\n"
                      "once; --replace processes it again. Every file has an outcome: stored, unchanged,\n"
                      "replaced or failed with its reason (unreadable, an unread type, a link to nothing,\n"
                      "a special file, past a limit of parksum/text/data/limits.toml). Exit status: 0 when\n"
                      "every file was stored (or unchanged), 1 when some failed (they are listed at the end),\n"
                      "2 on usage errors.")
    _inputs(ingest)
    _tags(ingest)
    _db(ingest)
    ingest.add_argument("--replace", action="store_true", help="re-process documents already stored")
    _no_ner(ingest)
    _batch(ingest)
    ingest.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="run the work on this Dask cluster (pip install 'parksum[distributed]'); "
                             "documents are still written here, by this process")

    extract = _command(commands, "extract", cmd_extract, "write one JSON file per document (no database)",
                       "parksum extract corpus/*.txt --out out/",
                       "Writes OUT/<file stem>.json in the shape of the gold CONTRACT.md: title, headings\n"
                       "(with depth, kind and path), quantities, placeholders and entities.")
    _inputs(extract)
    _tags(extract)
    extract.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the JSON files")
    _no_ner(extract)
    _batch(extract)

    outline = _command(commands, "outline", cmd_outline, "print a document's outline tree",
                       "parksum outline corpus/002_8f1f4c12a115cc13.txt",
                       "One section a line, indented by depth: marker, title and kind\n"
                       "(achievements, problems, plans, other).")
    outline.add_argument("file", type=Path, help="a .txt, .docx or .pdf file")

    migrate = _command(commands, "migrate", cmd_migrate, "bring a database written by an older release up to date",
                       "parksum migrate --db parks.db",
                       "Alters the tables in place and recreates the views and the search index (ingest does\n"
                       "the same before it stores anything). Read commands never write: on an older\n"
                       "database they ask for this first.")
    _db(migrate)

    summary = _command(commands, "summary", cmd_summary, "count what the database holds",
                       "parksum summary --db parks.db", "Documents per park and sections per kind.")
    _db(summary)

    compare = _command(commands, "compare", cmd_compare, "compare parks on indicators",
                       "parksum compare --indicator 规上工业总产值 tax_revenue --format xlsx --out compare.xlsx",
                       "One row per park, per indicator its value, unit, masked flag, growth (%), year and\n"
                       "status (--long: one row per park and indicator). Values are numbers; a masked one\n"
                       "is empty with its masked flag true. An indicator\n"
                       "is a canonical id (tax_revenue), a canonical name (税收), any alias in\n"
                       "extractors/data/indicators.csv (实缴税金) or a phrase as written in the documents.\n"
                       "Without --status the actual figure is shown, else the forecast, else the target;\n"
                       "without --period the latest year. Figures a park does not report are empty.\n"
                       "Conflicting figures: see `parksum report` or the\n"
                       "fact_conflicts view.")
    compare.add_argument("--indicator", nargs="+", required=True, metavar="ID_OR_NAME",
                         help="indicators to compare, as columns")
    compare.add_argument("--period", type=int, metavar="YEAR", help="the year the figures are for")
    compare.add_argument("--status", choices=("actual", "forecast", "target"), help="only figures of this status")
    compare.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                         help="output format (default: table; xlsx needs --out)")
    compare.add_argument("--sources", action="store_true", help="add each figure's source sentence")
    compare.add_argument("--long", action="store_true", help="one row per park and indicator (tidy long format)")
    compare.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of the screen")
    _db(compare)

    metrics = _command(commands, "metrics", cmd_metrics, "list extracted figures with their source sentence",
                       "parksum metrics --indicator 规上工业总产值 --status actual --format csv > out.csv",
                       "One row per figure: park, document, section path, indicator, the text as written,\n"
                       "value (masked figures read 'masked', never 0 or blank), unit, role, qualifier,\n"
                       "status (actual, forecast, target), period and the sentence it came from.\n"
                       "--indicator takes a canonical id, a Chinese name, an alias or a phrase as written;\n"
                       "--period a year (2022) or a period as written (1-10月).")
    metrics.add_argument("--indicator", nargs="+", metavar="ID_OR_NAME", help="indicators to list")
    metrics.add_argument("--park", help="one park")
    metrics.add_argument("--period", help="a year, or a period as written")
    metrics.add_argument("--status", choices=("actual", "forecast", "target"))
    metrics.add_argument("--format", choices=("table", "csv", "json"), default="table")
    metrics.add_argument("--sentence", action="store_true", help="show the source sentence in the table too")
    _db(metrics)

    targets = _command(commands, "targets", cmd_targets, "set parks' targets against their outcomes",
                       "parksum targets --park 金属智造园 --format csv --out targets.csv",
                       "One row per park, indicator and year a document sets a target for (status target:\n"
                       "2023年力争规上工业总产值达到150亿元): the target, the actual reported for that year\n"
                       "(usually in the next year's summary), achieved % and the outcome: met, missed,\n"
                       "masked (either side masked), not comparable, or no actual reported.")
    targets.add_argument("--park", help="one park")
    targets.add_argument("--indicator", nargs="+", metavar="ID_OR_NAME", help="only these indicators")
    targets.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                         help="output format (default: table; xlsx needs --out)")
    targets.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of the screen")
    _db(targets)

    unmapped = _command(commands, "unmapped", cmd_unmapped, "list indicator phrases the lexicon does not map",
                        "parksum unmapped --db parks.db",
                        "Phrases of extracted figures that no alias in extractors/data/indicators.csv\n"
                        "covers, most frequent first: add them as aliases to grow the lexicon.")
    _db(unmapped)

    search = _command(commands, "search", cmd_search, "full-text search over sections",
                      "parksum search 标准厂房 --park 高新工业园",
                      "Finds sections holding every word of QUERY (separate words with spaces) and prints\n"
                      "park, document, section path and a snippet with the words in [brackets], best\n"
                      "first. Words of 3+ characters use the SQLite FTS5 trigram index; shorter ones\n"
                      "(厂房) are matched as substrings.")
    search.add_argument("query", help="words to find, e.g. 标准厂房 or \"招商 签约\"")
    search.add_argument("--park", help="only this park's documents")
    search.add_argument("--kind", choices=("achievements", "problems", "plans", "other"),
                        help="only sections of this kind")
    search.add_argument("--limit", type=int, default=20, help="at most this many results (default: 20)")
    _db(search)

    report = _command(commands, "report", cmd_report, "write the comparison report (HTML, XLSX)",
                      "parksum report --out report.html --xlsx report.xlsx",
                      "report.html is one self-contained page that opens offline: contents, a summary of\n"
                      "parks x key indicators with coverage, targets against outcomes, per canonical\n"
                      "indicator a table with each figure's source sentence (and a chart where two parks\n"
                      "give numbers), conflicting figures with their reason, outline profiles, and an\n"
                      "appendix of unmapped phrases. --xlsx adds a workbook with sheets facts, compare,\n"
                      "targets, masked_values, conflicts and legend (each column key in Chinese).")
    report.add_argument("--out", required=True, type=Path, metavar="HTML", help="the HTML file to write")
    report.add_argument("--xlsx", type=Path, metavar="XLSX", help="also write this workbook")
    _db(report)

    browse = _command(commands, "browse", cmd_browse, "explore the database in Datasette, read-only",
                      "parksum browse --db parks.db --port 8001",
                      "Serves the live SQLite database in Datasette, read-only (documents ingested\n"
                      "meanwhile show on the next page load; only GET and HEAD are answered), with a\n"
                      "description of every table and view, full-text search on sections and canned\n"
                      "queries: facts by indicator, masked values by park, conflicts, search_sections\n"
                      "(terms of any length, 厂房 too).\n"
                      "Stop it with Ctrl-C.")
    browse.add_argument("--port", type=int, default=8001, help="port to serve on (default: 8001)")
    browse.add_argument("--no-open", action="store_true", help="do not open a web browser")
    _db(browse)
    serve = _command(commands, "serve", cmd_serve, "run the upload service and the analysts' pages",
                     "parksum serve --db parks.db --port 8000",
                     "A web application on http://HOST:PORT/: upload batches of files (page or\n"
                     "POST /api/batches), watch them processed by background workers, read documents,\n"
                     "metrics, the report and search; JSON API described at /openapi.json. Uploads\n"
                     "need a token (parksum tokens create NAME). Uploaded files are kept as received in\n"
                     "--uploads (default: beside the database). Needs the `serve` extra:\n"
                     "pip install 'parksum[serve]'. Stop it with Ctrl-C.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=int, default=2, help="processes that read uploads (default: 2)")
    serve.add_argument("--uploads", type=Path, metavar="DIR",
                       help="where uploads are kept (default: $PARKSUM_UPLOADS, else DB-uploads/ beside the database)")
    serve.add_argument("--read-token", action="store_true", help="reading needs a token too (default: open)")
    _no_ner(serve)
    _db(serve)
    tokens = _command(commands, "tokens", cmd_tokens, "create, list or revoke the service's upload tokens",
                      "parksum tokens create 高新园办公室",
                      "  create NAME   print a new token (shown once; only its hash is stored)\n"
                      "  list          every token: id, name, created, revoked\n"
                      "  revoke NAME   revoke the tokens with this name (or id)")
    tokens.add_argument("action", choices=("create", "list", "revoke"))
    tokens.add_argument("name", nargs="?", help="create, revoke: the token's name (revoke: or its id)")
    _db(tokens)
    parks = _command(commands, "parks", cmd_parks, "list the parks with their aliases; merge or rename them",
                     "parksum parks merge 扬州经开区 扬州经济技术开发区",
                     "Without an action: one line per park with its documents and the other ways it is\n"
                     "written. A park's documents are found under any of its aliases; spellings that differ\n"
                     "only by a long or short form (经济技术开发区 / 经开区) or by spaces are joined on ingest.\n"
                     "  merge KEEP OTHER...   fold OTHER parks (their documents and aliases) into KEEP\n"
                     "  rename OLD NEW        give a park a new name; OLD stays an alias")
    parks.add_argument("action", nargs="?", choices=("list", "merge", "rename"), default="list")
    parks.add_argument("names", nargs="*", metavar="PARK", help="merge: KEEP OTHER...; rename: OLD NEW")
    parks.add_argument("--format", choices=("table", "csv", "json"), default="table", help="for list (default: table)")
    _db(parks)

    entities = _command(commands, "entities", cmd_entities, "list the named entities in the database, counted",
                        "parksum entities --park 高新园 --label COMPANY --format csv",
                        "One row per park, label and name, with its number of mentions and documents.\n"
                        "Labels: ORG, COMPANY, PLACE, PROJECT, DOC, INDUSTRY. Masked names (**铝业) count too.")
    _db(entities)
    entities.add_argument("--park", help="only this park")
    entities.add_argument("--label", help="only this label (ORG, COMPANY, PLACE, PROJECT, DOC, INDUSTRY)")
    entities.add_argument("--format", choices=("table", "csv", "json"), default="table", help="default: table")

    _command(commands, "train-ner", cmd_train_ner, "rebuild the NER model in models/ner from scratch",
             "parksum train-ner", "Hand-annotated sentences (corpus/ner/train_corrections.jsonl and\n"
             "park_style_train.jsonl) and the rules' labels on the government work reports (2023-2025\n"
             "held out), then spaCy training with models/ner/config.cfg, one process per member of the\n"
             "ensemble (models/ner/ensemble.json). About 15 minutes on two cores.")
    _command(commands, "evaluate-ner", cmd_evaluate_ner, "score rules and model on the held-out NER gold",
             "parksum evaluate-ner", "Per-label precision, recall and F1 (exact span and label) on\n"
             "corpus/ner/heldout.jsonl (the evaluation set, also split into park summaries and national\n"
             "reports), corpus/ner/real_dev.jsonl (the real summaries in ../shared/gold/real),\n"
             "corpus/ner/dev.jsonl and park_style_dev.jsonl (the sets that pick the model's\n"
             "checkpoint), for the rules alone, each member of the ensemble alone and the model (their vote).")
    segment = _command(commands, "compare-segmenters", cmd_compare_segmenters,
                       "score jieba and pkuseg on the hand-segmented sample",
                       "parksum compare-segmenters", "Word-level precision, recall and F1 on corpus/seg/gold.txt.")
    segment.add_argument("--gold", type=Path, default=None, help="default: corpus/seg/gold.txt")
    return parser


def _command(commands: argparse._SubParsersAction, name: str, handler: Callable[[argparse.Namespace], int],
             help_text: str, example: str, details: str) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=f"{help_text[0].upper()}{help_text[1:]}.\n\n"
                              f"{details}", epilog=f"example:\n  {example}",
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.set_defaults(handler=handler)
    _verbosity(sub)
    return sub


def _verbosity(parser: argparse.ArgumentParser) -> None:
    """-q and -v, accepted before or after the command (`parksum -q ingest …`, `parksum ingest … -v`)."""
    default = argparse.SUPPRESS if parser.prog != "parksum" else 0
    parser.add_argument("-q", "--quiet", action="count", default=default,
                        help="less output: no progress bar or per-file lines, errors only (-qq: not even those)")
    parser.add_argument("-v", "--verbose", action="count", default=default, help="more output (-vv: debugging)")


def _configure_logging(level: int) -> None:
    """Messages go to stderr through `logging`; -q/-v move the threshold; libraries' chatter is quiet."""
    threshold = {-2: logging.CRITICAL + 1, -1: logging.ERROR, 0: logging.INFO, 1: logging.DEBUG}
    logging.basicConfig(format="parksum: %(message)s", level=threshold[max(-2, min(1, level))], force=True)
    logging.captureWarnings(True)  # the NER component's "model not found" warning is a log line too
    for noisy in ("jieba", "spacy", "datasette"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="files, or folders searched recursively for .txt, .docx and .pdf")


def _tags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--park", help="park name for every file (wins over the manifest)")
    parser.add_argument("--year", type=int, help="year for files whose title and text name none")
    parser.add_argument("--manifest", type=Path, metavar="CSV",
                        help="CSV with columns file,park,year (default: manifest.csv in each folder given)")


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file or SQLAlchemy URL (default: $PARKSUM_DB or parks.db)")


def _no_ner(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-ner", dest="ner", action="store_false",
                        help="rules only: skip the NER model (spaCy is then not even imported)")


def _batch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=_positive, metavar="N",
                        help=f"processes that read and extract (default: $PARKSUM_WORKERS or every core, here "
                             f"{default_workers()})")
    parser.add_argument("--report", type=Path, metavar="JSON", help="write every file's outcome to this JSON file")
    declared = Limits.declared()
    parser.add_argument("--max-mb", type=float, metavar="MB",
                        help=f"refuse files larger than this (default: {declared.max_file_mb:g})")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help=f"fail a document that takes longer (default: {declared.seconds_per_document:g})")


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of 1 or more")
    return int(value)


def _process(args: argparse.Namespace, write: Writer) -> int:
    """Run the batch with a progress bar counting characters; list failures and a summary at the end."""
    if args.report is not None and not args.report.parent.is_dir():
        log.error("--report %s: no folder %s", args.report, args.report.parent)
        return EXIT_USAGE
    workers = args.workers or int(os.environ.get("PARKSUM_WORKERS") or default_workers())
    limits = Limits.declared()
    limits = replace(limits, max_file_mb=args.max_mb or limits.max_file_mb,
                     seconds_per_document=args.time_limit or limits.seconds_per_document)
    manifest = Manifest.for_inputs(args.paths, args.manifest, args.park, args.year)
    jobs = plan(args.paths, manifest, limits)
    if not jobs:
        log.error("no files found")
        return EXIT_SOME_FAILED
    to_do = sum(1 for job in jobs if not job.refused)
    engine = Engine(ner=args.ner, limits=limits, workers=min(workers, max(to_do, 1)),
                    scheduler=getattr(args, "scheduler", None))
    quiet = args.quiet > 0
    # characters, estimated from each file's size until it is read: the ETA holds from the first file
    with tqdm(total=sum(job.estimated_characters for job in jobs), unit="char", unit_scale=True,
              disable=True if quiet else None, file=sys.stderr) as bar:

        def progress(job: Job, outcome: Outcome) -> None:
            bar.total += outcome.characters - job.estimated_characters
            bar.update(outcome.characters)
            if quiet:
                return
            if outcome.failed:
                tqdm.write(f"failed     {outcome.path}: {outcome.reason}", file=sys.stderr)
            else:
                tqdm.write(f"{outcome.status:10s} {outcome.path}")

        try:
            report = run(jobs, write, engine, progress)
        except RuntimeError as error:  # no Dask for --scheduler
            log.error("%s", error)
            return EXIT_USAGE
    if manifest.unlisted:
        log.warning("%d files are in no manifest (tagged from their text only):\n%s", len(manifest.unlisted),
                    "\n".join(f"  {shown(path)}" for path in manifest.unlisted))
    if args.report is not None:
        args.report.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    failures = report.failures
    if failures:
        log.error("%d of %d files failed:\n%s", len(failures), len(jobs),
                  "\n".join(f"  {o.path}: {o.reason}" for o in failures))
    if not quiet:
        print(report.summary_line())
    return EXIT_SOME_FAILED if failures else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from parksum.store import Store

    store = Store(args.db, write=True)
    write_to_store = store_writer(store, args.replace)

    def ingest(doc: Document) -> tuple[str, int | None]:
        _report_disagreement(doc)
        return write_to_store(doc)

    status = _process(args, ingest)
    _print_summary(store.summary())
    return status


def _report_disagreement(doc: Document) -> None:
    """The uploader's tags win; where the document says otherwise, say so."""
    from parksum.extractors.park import park_key

    if doc.park and doc.park_in_text and park_key(doc.park) != park_key(doc.park_in_text):
        log.warning("%s: tagged park %s, the document names %s (both kept)", doc.name, doc.park, doc.park_in_text)
    if doc.year and doc.year_in_text and doc.year != doc.year_in_text:
        log.warning("%s: tagged year %s, the document reports on %s (both kept)", doc.name, doc.year,
                    doc.year_in_text)


def cmd_extract(args: argparse.Namespace) -> int:
    args.out.mkdir(parents=True, exist_ok=True)

    written: set[str] = set()

    def write(doc: Document) -> tuple[str, int | None]:
        # two uploads named alike in different folders (2022/总结.txt, 2023/总结.txt) get two files
        stem, n = Path(doc.name).stem, 1
        while f"{stem}.json" in written:
            n += 1
            stem = f"{Path(doc.name).stem}-{n}"
        written.add(f"{stem}.json")
        target = args.out / f"{stem}.json"
        target.write_text(json.dumps(doc.to_contract(), ensure_ascii=False, indent=1), encoding="utf-8")
        return "written", None

    return _process(args, write)


def cmd_outline(args: argparse.Namespace) -> int:
    try:
        doc = Pipeline(STRUCTURE).process_file(args.file)
    except LoadError as error:
        log.error("%s", error)
        return EXIT_SOME_FAILED
    print(f"{doc.name}  title: {doc.title or '-'}  type: {doc.doc_type}  year: {doc.year or '-'}")
    for section in doc.sections:
        if section.marker is None:
            preamble = doc.text[:doc.headings[0].start if doc.headings else len(doc.text)].strip()
            print(f"(preamble, {len(preamble)} characters)")
            continue
        title = section.title if len(section.title) <= 40 else section.title[:39] + "…"
        print(f"{'  ' * (section.depth - 1)}{section.marker} {title}  [{section.kind}]")
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    from parksum.store import SCHEMA_VERSION, Store

    Store(args.db, write=True)
    print(f"schema version {SCHEMA_VERSION}, views and search index up to date")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from parksum.store import Store

    _print_summary(Store(args.db).summary())
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from parksum.analyst.compare import compare, compare_long, write

    if args.format == "xlsx" and args.out is None:
        log.error("--format xlsx needs --out FILE")
        return EXIT_USAGE
    try:
        if args.long:
            table = compare_long(args.indicator, args.db, period=args.period, status=args.status)
            table = table if args.sources else table.drop(columns="source")
        else:
            table = compare(args.indicator, args.db, period=args.period, status=args.status, sources=args.sources)
    except LookupError as error:
        log.error("%s", error.args[0])
        return EXIT_USAGE
    if table.empty:
        log.warning("no parks in the database yet: tag uploads (--park, manifest.csv) or ingest documents that "
                    "name their park; `parksum parks` lists them")
        return EXIT_SOME_FAILED
    if table.filter(regex="(^| )status$").isna().all().all():  # every park's fact is missing
        log.warning("no park reports %s%s%s", ", ".join(args.indicator),
                    f" for {args.period}" if args.period else "", f" as {args.status}" if args.status else "")
        return EXIT_SOME_FAILED
    write(table, args.format, args.out)
    if args.out is not None:
        print(f"written {args.out}")
    return EXIT_OK


def cmd_metrics(args: argparse.Namespace) -> int:
    from parksum.analyst.compare import write
    from parksum.analyst.facts import metrics

    try:
        table = metrics(args.db, indicators=args.indicator, park=args.park, period=args.period, status=args.status)
    except LookupError as error:
        log.error("%s", error.args[0])
        return EXIT_USAGE
    if table.empty:
        log.warning("no figures match%s", "".join(f" {k} {v}" for k, v in (
            ("--indicator", " ".join(args.indicator or [])), ("--park", args.park), ("--period", args.period),
            ("--status", args.status)) if v))
        return EXIT_SOME_FAILED
    if args.format == "table":
        table = table.drop(columns=[c for c in ("start", "end", "period_year") if c in table]
                           + ([] if args.sentence else ["sentence"]))
    write(table, args.format)
    return EXIT_OK


def cmd_targets(args: argparse.Namespace) -> int:
    from parksum.analyst.compare import write
    from parksum.analyst.facts import targets

    if args.format == "xlsx" and args.out is None:
        log.error("--format xlsx needs --out FILE")
        return EXIT_USAGE
    try:
        table = targets(args.db, park=args.park, indicators=args.indicator)
    except LookupError as error:
        log.error("%s", error.args[0])
        return EXIT_USAGE
    if table.empty:
        log.warning("no targets%s: a target is a figure with status target and a year (2023年力争…达到…)",
                    f" for {args.park}" if args.park else "")
        return EXIT_SOME_FAILED
    if args.format == "table":
        table = table[["park", "indicator", "year", "target_text", "target_growth", "actual_text", "actual_growth",
                       "achieved_pct", "outcome"]]
    write(table, args.format, args.out)
    if args.out is not None:
        print(f"written {args.out}")
    return EXIT_OK


def cmd_unmapped(args: argparse.Namespace) -> int:
    from parksum.analyst.facts import unmapped_indicators

    table = unmapped_indicators(args.db)
    print(table.to_string() if not table.empty else "every indicator phrase is mapped")
    print(f"\n{len(table)} unmapped phrases in {int(table['mentions'].sum()) if not table.empty else 0} figures")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from parksum.analyst.search import search

    if not args.query.split():
        log.error("search needs a word to find, e.g. parksum search 标准厂房")
        return EXIT_USAGE
    found = search(args.query, args.db, park=args.park, kind=args.kind, limit=args.limit)
    if found.empty:
        log.warning("no section mentions %s", args.query)
        return EXIT_SOME_FAILED
    for hit in found.itertuples():
        heading = hit.heading if len(hit.heading) <= 40 else hit.heading[:39] + "…"
        print(f"{hit.park}  {hit.document}  {hit.path or '(preamble)'} {heading}  [{hit.kind}]")
        print(f"    {hit.snippet}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from parksum.analyst.report import write_report

    write_report(args.db, args.out, args.xlsx)
    print("\n".join(f"written {path}" for path in (args.out, args.xlsx) if path))
    return EXIT_OK


def cmd_browse(args: argparse.Namespace) -> int:
    from parksum.interfaces.browse import browse

    try:
        return browse(args.db, port=args.port, open_browser=not args.no_open)
    except (ValueError, FileNotFoundError) as error:
        log.error("%s", error)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    try:
        import uvicorn

        from parksum.interfaces.web.app import Settings, create_app, default_uploads
    except ImportError as error:
        log.error("parksum serve needs the serve extra (pip install 'parksum[serve]'): %s", error)
        return EXIT_USAGE
    from parksum.store import database_url

    url = database_url(args.db)
    uploads = args.uploads or Path(os.environ.get("PARKSUM_UPLOADS") or default_uploads(url))
    app = create_app(Settings(url, uploads, workers=args.workers, read_token=args.read_token, ner=args.ner))
    print(f"parksum serving {url} on http://{args.host}:{args.port}/ (uploads kept in {uploads})")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info")
    return EXIT_OK


def cmd_tokens(args: argparse.Namespace) -> int:
    from parksum.store import Store, uploads

    if args.action != "list" and not args.name:
        log.error("tokens %s needs a NAME", args.action)
        return EXIT_USAGE
    store = Store(args.db, write=args.action != "list")
    if args.action == "create":
        print(uploads.create_token(store.engine, args.name))
    elif args.action == "revoke":
        revoked = uploads.revoke_token(store.engine, args.name)
        if not revoked:
            log.error("no live token named %s", args.name)
            return EXIT_USAGE
        print(f"revoked {revoked} token{'s' if revoked > 1 else ''}")
    else:
        for row in uploads.tokens(store.engine):
            revoked = f"  revoked {row['revoked_at']:%Y-%m-%d %H:%M}" if row["revoked_at"] else ""
            print(f"{row['id']:4d}  {row['name']}  created {row['created_at']:%Y-%m-%d %H:%M}{revoked}")
    return EXIT_OK


def _print_summary(summary: dict) -> None:
    print(f"\ndocuments: {summary['documents']}")
    for park, count in summary["documents_by_park"].items():
        print(f"  {park}: {count}")
    print("sections by kind:")
    for kind, count in summary["sections_by_kind"].items():
        print(f"  {kind}: {count}")


def cmd_entities(args: argparse.Namespace) -> int:
    import pandas as pd

    from parksum.analyst.compare import write
    from parksum.store import Store

    rows = Store(args.db).entities(park=args.park, label=args.label)
    if args.format != "table":
        columns = ["park", "label", "text", "masked", "count", "documents"]
        write(pd.DataFrame(rows, columns=columns).set_index("park"), args.format)
    else:
        for park in dict.fromkeys(r["park"] for r in rows):
            print(park)
            for label in dict.fromkeys(r["label"] for r in rows if r["park"] == park):
                group = [r for r in rows if r["park"] == park and r["label"] == label]
                print(f"  {label} ({sum(r['count'] for r in group)})")
                for r in group:
                    print(f"    {r['count']:4d}  {r['text']}{'  [masked]' if r['masked'] else ''}")
    return EXIT_OK


def cmd_parks(args: argparse.Namespace) -> int:
    from parksum.store import Store

    if args.action == "list":
        rows = Store(args.db).parks()
        if args.format != "table":
            import pandas as pd

            from parksum.analyst.compare import write

            frame = pd.DataFrame(rows, columns=["park", "aliases", "documents", "documents_naming_another_park"])
            write(frame.assign(aliases=frame["aliases"].map("|".join)).set_index("park"), args.format)
        for row in rows if args.format == "table" else []:
            aliases = f"  (also {', '.join(row['aliases'])})" if row["aliases"] else ""
            other = (f"  {row['documents_naming_another_park']} name another park in their text"
                     if row["documents_naming_another_park"] else "")
            print(f"{row['park']}: {row['documents']} documents{aliases}{other}")
        if not rows:
            print("no parks yet: tag uploads (--park, manifest.csv) or ingest documents that name their park")
        return EXIT_OK
    wanted = 2 if args.action == "rename" else None
    if len(args.names) < 2 or (wanted and len(args.names) != wanted):
        log.error("parks %s needs %s", args.action, "OLD NEW" if wanted else "KEEP OTHER...")
        return EXIT_USAGE
    store = Store(args.db, write=True)
    try:
        if args.action == "rename":
            store.rename_park(*args.names)
            print(f"renamed {args.names[0]} to {args.names[1]}")
        else:
            moved = store.merge_parks(args.names[0], args.names[1:])
            print(f"merged {', '.join(args.names[1:])} into {args.names[0]}: {moved} documents moved")
    except (LookupError, ValueError) as error:
        log.error("%s", error.args[0])
        return EXIT_USAGE
    return EXIT_OK


def cmd_train_ner(args: argparse.Namespace) -> int:
    from parksum.extractors.ner.component import member_paths
    from parksum.extractors.training.train import train

    seconds = train()
    print(f"models written to {', '.join(map(str, member_paths()))} in {seconds / 60:.1f} minutes")
    return EXIT_OK


def cmd_evaluate_ner(args: argparse.Namespace) -> int:
    from parksum.extractors.training.evaluate import EVALUATION_SETS, available, evaluate_all, format_table, taggers

    systems = taggers()
    for path in EVALUATION_SETS:
        if available(path):
            print(f"== {path.name}")
            for name, table in evaluate_all(path, systems).items():
                print(format_table(name, table), end="\n\n")
    return EXIT_OK


def cmd_compare_segmenters(args: argparse.Namespace) -> int:
    from parksum.extractors.training.segment_eval import GOLD, compare

    for name, row in compare(args.gold or GOLD).items():
        print(f"{name:8s} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}")
    return EXIT_OK
