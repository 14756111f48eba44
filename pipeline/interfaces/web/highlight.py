"""A document's text as HTML with what was extracted marked in place: figures, masks and entities as
nested <mark> elements (each names the table row it stands for), sections as anchors. Every piece of
the text is escaped; only the marks are markup."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

# What is marked, outermost first where two spans start together.
LAYERS = (("metrics", "metric", "figure"), ("entities", "entity", "entity"), ("placeholders", "placeholder", "mask"))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    css: str
    ref: str  # the id of its row in the tables beside the text
    title: str


def spans(document: dict) -> list[Span]:
    found = []
    for rank, (key, row_name, css) in enumerate(LAYERS):
        for row in document[key]:
            if row["end"] <= row["start"]:
                continue
            extra = f" {css}-{row['label'].lower()}" if key == "entities" else (
                " masked" if key == "metrics" and row["masked"] else "")
            title = {"metrics": lambda r: f"{r['indicator'] or '?'} · {r['role']} · {r['status']}",
                     "entities": lambda r: r["label"], "placeholders": lambda r: f"masked {r['kind']}"}[key](row)
            found.append((row["start"], -row["end"], rank, Span(row["start"], row["end"], css + extra,
                                                                f"{row_name}-{row['id']}", title)))
    return [span for *_, span in sorted(found, key=lambda item: item[:3])]


def marked_text(document: dict) -> Markup:
    """The text with its spans marked; a span that crosses the end of an enclosing one is closed and opened
    again, so the elements nest. Section starts carry an anchor `section-ID`."""
    text = document["text"]
    opening = spans(document)
    anchors = {s["start"]: s["id"] for s in document["sections"] if s["depth"] > 0}
    cuts = sorted({0, len(text), *anchors, *(s.start for s in opening), *(min(s.end, len(text)) for s in opening)})
    out: list[str] = []
    stack: list[Span] = []
    pending = iter(opening)
    upcoming = next(pending, None)
    first_piece: set[str] = set()
    for here, after in pairwise(cuts):
        # close every span that ends here (and reopen the inner ones that go on)
        while any(s.end <= here for s in stack):
            reopen = []
            while stack[-1].end > here:
                reopen.append(stack.pop())
                out.append("</mark>")
            stack.pop()
            out.append("</mark>")
            for span in reversed(reopen):
                out.append(_open(span, first_piece))
                stack.append(span)
        if here in anchors:
            out.append(f'<a class="section-anchor" id="section-{anchors[here]}"></a>')
        while upcoming is not None and upcoming.start == here:
            out.append(_open(upcoming, first_piece))
            stack.append(upcoming)
            upcoming = next(pending, None)
        out.append(str(escape(text[here:after])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))


def _open(span: Span, first_piece: set[str]) -> str:
    # only the first piece of a span carries the id the row links to
    anchor = "" if span.ref in first_piece else f' id="at-{span.ref}"'
    first_piece.add(span.ref)
    return (f'<mark class="{escape(span.css)}"{anchor} data-row="row-{span.ref}" '
            f'title="{escape(span.title)}">')


def outline(sections: list[dict]) -> list[dict]:
    """The sections as a tree: each heading with `children`, the preamble left out."""
    nodes = {s["id"]: {**s, "children": []} for s in sections if s["depth"] > 0}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node["parent_id"])
        (parent["children"] if parent else roots).append(node)
    return roots
