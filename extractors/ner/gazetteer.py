"""The rule NER: 《…》 titles, listed names and suffix-headed names, masked or not.

A name is found from its head: a jieba token ending in a suffix of its label (局, 公司,
市, 项目, 产业 …) is extended leftwards over name-like tokens (nouns, proper nouns, mask
runs) until a verb, a particle, punctuation or a stop word. Suffixes that are ordinary
words (区, 部, 科技) need a proper noun or a mask before them. All the words involved are
in extractors/data/ner_gazetteer.json.
"""
from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from parksum.extractors.ner.segment import Token, in_dictionary, mask_pattern, pos_tokens
from parksum.text.resources import load_csv, load_json

LABELS = ("ORG", "COMPANY", "PLACE", "PROJECT", "DOC", "INDUSTRY")
PROPER_POS = {"ns", "nt", "nr", "nrt", "nrfg", "eng", "mask"}
WORDLIKE = re.compile(r"[\w*×○#]+")
LOOK_BACK = 16  # characters read before a lone mask for its opening word: bounded work on a long line


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    text: str
    masked: bool


def gazetteer() -> dict:
    return load_json("parksum.extractors", "ner_gazetteer.json")


def places() -> list[str]:
    """data/ner_places.csv: China's divisions and the world's countries (built by `make data`)."""
    return [row["name"] for row in load_csv("parksum.extractors", "ner_places.csv")]


@cache
def _compiled() -> dict:
    g = gazetteer()
    names = {label: set(words) for label, words in g["names"].items()}
    name_label = dict.fromkeys(places(), "PLACE")
    name_label |= {w: label for label, words in names.items() for w in words}  # the hand-kept lists come first
    pairs = [(s, label) for label, words in g["suffixes"].items() for s in words]
    open_, close = g["doc_brackets"]
    return {
        "name_label": name_label,
        # A word's suffix is found by looking its endings up, longest first, not by trying every suffix.
        "suffixes": _SuffixIndex({s: label for s, label in reversed(pairs)}),  # a suffix listed twice: its first label
        "org_suffixes": _SuffixIndex({s: "ORG" for s, label in pairs if label == "ORG" and len(s) > 1}),
        "not_name_suffixes": _SuffixIndex(dict.fromkeys(g["not_names"], "")),
        "needs_name": {label: set(words) for label, words in g["suffix_needs_name"].items() if label != "_about"},
        "not_names_but_admin": set(g["not_names"]) - set(g["admin_prefixes"]),
        "left_stops": set(g["left_stops"]),
        "not_in_names": g["not_in_names"]["characters"],
        "barriers": {label: set(words) for label, words in g["barriers"].items() if label != "_about"},
        "generic": {label: set(words) for label, words in g["generic_heads"].items() if label != "_about"},
        "max_chars": g["max_name_chars"],
        "name_pos": set(g["name_pos"]),
        "project_pos": set(g["name_pos"]) | set(g["project_extra_pos"]),
        "suffix_in_span": {k: v for k, v in g["suffix_in_span"].items() if k != "_about"},
        "admin": set(g["admin_prefixes"]),
        "speaker_words": set(g["speaker_words"]["words"]),
        "numbered_roads": set(g["numbered_roads"]["words"]),
        "admin_longest_first": sorted(g["admin_prefixes"], key=len, reverse=True),
        "sub_bodies": set(g["org_sub_bodies"]["words"]),
        "always_in_span": set(g["suffix_always_in_span"]),
        "phrases": re.compile("|".join(map(re.escape, g["not_entity_phrases"]["phrases"]))),
        "doc": re.compile(f"{re.escape(open_)}[^{open_}{close}\n]{{1,60}}{re.escape(close)}"),
        "mask": mask_pattern(),
        "enum": _enumeration_patterns(g["enumerations"], g["park_words"]["words"]),
        "park_words": tuple(g["park_words"]["words"]),
        "industry_qualifiers": tuple(g["industry_qualifiers"]["words"]),
        "industry_modifiers": g["industry_modifiers"] | {"pos": set(g["industry_modifiers"]["pos"]),
                                                        "words": set(g["industry_modifiers"]["words"]),
                                                        "not_modifiers": set(g["industry_modifiers"]["not_modifiers"])},
        "trade_parks": {"heads": tuple(g["trade_parks"]["heads"]), "not_trades": set(g["trade_parks"]["not_trades"])},
        "generic_project": re.compile(g["generic_project"]["pattern"]),
        "name_openers": g["name_openers"]["words"],
        "project_inner": {k: v if isinstance(v, int) else set(v)
                          for k, v in g["project_inner"].items() if k != "_about"},
        "quoted_programme": re.compile(g["quoted_programme"]["pattern"]),
        "bounds": re.compile(g["bounds"]["pattern"]),
        "lone_masked_places": g["lone_masked_places"] | {
            "before": tuple(g["lone_masked_places"]["before"]), "after": tuple(g["lone_masked_places"]["after"])},
        "nested_places": {"levels": tuple(g["nested_places"]["levels"]), "regions": g["nested_places"]["regions"]},
        "bodies_of_named_units": {k: set(v) for k, v in g["bodies_of_named_units"].items() if k != "_about"},
        "tails": {label: tuple(words) for label, words in g["names_inside_words"]["tails"].items()},
        "session": re.compile(g["session_prefix"]["pattern"]),
        "parks_being_built": g["parks_being_built"] | {
            "clause": re.compile(f"[^{re.escape(g['parks_being_built']['clause_end'])}]*")},
    }


class _SuffixIndex:
    """Suffix → label, looked up by a word's endings: the cost is the number of suffix lengths, not of suffixes."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.lengths = sorted({len(s) for s in labels}, reverse=True)

    def longest(self, word: str, shorter_than_word: bool = False) -> tuple[str, str] | tuple[None, None]:
        """The longest suffix of `word` and its label (or of a longer word ending in it)."""
        for n in self.lengths:
            if n < len(word) or (n == len(word) and not shorter_than_word):
                label = self.labels.get(word[-n:])
                if label is not None:
                    return word[-n:], label
        return None, None


def _enumeration_patterns(e: dict, park_words: list[str]) -> dict:
    # an item may hold a bracketed part (中国(绿溪)优食谷…产业城) and a space (MEMS 传感器)
    char = "[^\\s，。；：、,;:“”\"（）()《》！？…—等]"
    item = f"(?:{char}|[（(]{char}{{1,8}}[）)]|(?<={char}) (?={char})){{1,{e['item_max_chars']}}}"
    qualifiers = "|".join([e["numbered_qualifier"], *map(re.escape, e["qualifiers"])])
    heads = "|".join(map(re.escape, sorted(e["heads"], key=len, reverse=True)))
    return {
        "list": re.compile(f"(?:{item}、)*{item}"),
        "tail": re.compile(f"(?:{qualifiers})*({heads})(?!{'|'.join(map(re.escape, park_words))})"),
        "heads": e["heads"],
        "lead_pos": set(e["lead_pos"]),
        "lead_words": set(e["lead_words"]),
        "function_pos": set(e["function_pos"]),
        "industry_function_pos": set(e["industry_function_pos"]),
        "numbered_label": e["numbered_label"],
        "tail_max_chars": e["tail_max_chars"],
        "project_item": re.compile(e["project_item"]),
        "list_breaks": e["list_breaks"],
        "masked_item_max_chars": e["masked_item_max_chars"],
        "zone_heads": e["zone_heads"],
        "firm_trades": tuple(e["firm_trades"]),
        "firm_before_product": {k: re.compile(v) for k, v in e["firm_before_product"].items() if k != "_about"},
    }


class RuleNer:
    """Finds entities by rule; `__call__(text)` returns spans sorted by start."""

    def __call__(self, text: str, tokens: list[Token] | None = None) -> list[Span]:
        """`tokens`: jieba's words of `text` (pos_tokens), when the caller has them already."""
        c = _compiled()
        # A title is the text between the brackets.
        spans = [self._span(text, m.start() + 1, m.end() - 1, "DOC") for m in c["doc"].finditer(text)]
        spans += [self._span(text, *m.span(), "PROJECT") for m in c["quoted_programme"].finditer(text)]
        spans += [self._span(text, *m.span(), "PLACE") for m in c["bounds"].finditer(text)
                  if c["suffixes"].longest(m.group())[1] == "PLACE"]
        tokens = _names_inside_words(pos_tokens(text) if tokens is None else tokens)
        for i, token in enumerate(tokens):
            spans.extend(self._from_token(text, tokens, i, token))
        phrases = SpanCover(m.span() for m in c["phrases"].finditer(text))
        spans = [s for s in spans if not phrases.covers(s.start, s.end)]
        items, zones = self._list_items(text, tokens, spans)
        in_lists, in_zones = SpanCover((i.start, i.end) for i in items), SpanCover(zones)
        spans = [s for s in spans if not in_lists.covers(s.start, s.end)
                 and not (s.label != "INDUSTRY" and in_zones.covers(s.start, s.end))]
        spans = _parks_being_built(text, _join_industries(text, _resolve(spans + items)))
        return _lone_masked_places(text, tokens, _bodies_of_named_units(text, _nested_places(text, spans)))

    def _list_items(self, text: str, tokens: list[Token], spans: list[Span]
                    ) -> tuple[list[Span], list[tuple[int, int]]]:
        """Names in a 、-list, labelled by the word the list ends on or by the industries in it; and the items
        that are zones of an industry (高端制造业集聚区), where no other name is."""
        e = _compiled()["enum"]
        starts = [t.start for t in tokens]
        industries = sorted((s.start, s.end) for s in spans if s.label == "INDUSTRY")
        industry_starts = [a for a, _ in industries]
        found: list[Span] = []
        zones: list[tuple[int, int]] = []
        for m in e["list"].finditer(text):
            parts, at = [], m.start()
            for part in m.group().split("、"):
                parts.append((at, at + len(part)))
                at += len(part) + 1
            # The list's last word may run into its head (机械装备四大产业集群).
            last_start, last_end = parts[-1]
            # (a tail ends near the list: looking no further keeps a long run of digits from being read
            # to its end from each of its characters)
            tail_end = last_end + e["tail_max_chars"]
            tail = next(filter(None, (e["tail"].match(text, k, tail_end) for k in range(last_start + 1, last_end + 1))),
                        None)
            if tail:
                parts[-1] = (last_start, tail.start())
            # One name before 等 is a list only after a clause break or where a line starts (，海中环保等一批项目).
            after_break = m.start() == 0 or text[m.start() - 1] in e["list_breaks"]
            alone = bool(tail) and text[tail.start()] == "等" and after_break
            label = e["heads"][tail.group(1)] if tail else None
            if label and (len(parts) > 1 or alone):
                for start, end in self._trim_lead(tokens, starts, *parts[0]), *parts[1:]:
                    item = text[start:end]
                    # a firm written before its product is a firm and a project (xx化工x万吨靛蓝)
                    cut = _firm_before_product(text, start, end) if label == "COMPANY" else None
                    if cut and _name_like(tokens, starts, start, cut):
                        found += [self._span(text, start, cut, "COMPANY"), self._span(text, cut, end, "PROJECT")]
                        continue
                    # a project is named by what it makes or does (中药材加工), with verbs in it
                    project = label == "COMPANY" and bool(re.search(r"\d", item) or e["project_item"].search(item))
                    function_pos = "industry_function_pos" if label == "INDUSTRY" else "function_pos"
                    firm_like = label != "COMPANY" or not _common_word(tokens, starts, start, end)
                    one = _one_token(tokens, starts, start, end) if label == "INDUSTRY" else None
                    # single characters name industries in a list of them (钢、铝、核优势产业)
                    named = (len(item) >= 2 or _compiled()["mask"].fullmatch(item)
                             or (one is not None and one.pos in ("n", "ng")))
                    named = named and not _compiled()["generic_project"].match(item)  # 8个省级重点项目: no name
                    named = named and item not in e["lead_words"]  # 培育、建立产业集群: verbs, no names
                    masked_industry = label == "INDUSTRY" and _masked_item(item)
                    # a place in a list before 产业 is where the industry is, no industry (东、中、西、东北地区产业)
                    named = named and not (one is not None and (
                        one.pos == "ns" or _compiled()["name_label"].get(one.word) == "PLACE"))
                    # a firm's short name may end in a trade word jieba tags as a verb or adjective (博远精密)
                    trade = next((w for w in e["firm_trades"] if item.endswith(w) and len(item) > len(w)), "")
                    core_end = end - len(trade) if label == "COMPANY" else end
                    if named and (project or masked_industry
                                  or (_name_like(tokens, starts, start, core_end, function_pos) and firm_like)):
                        found.append(self._span(text, start, end, e["numbered_label"] if project else label))
            elif not tail and len(parts) > 1:
                near = industries[bisect_left(industry_starts, parts[0][0]):bisect_left(industry_starts, parts[-1][1])]
                listed, zoned = self._industry_list(text, tokens, starts, parts, near)
                found += listed
                zones += zoned
        return found, zones

    def _industry_list(self, text: str, tokens: list[Token], starts: list[int], parts: list[tuple[int, int]],
                       industries: list[tuple[int, int]]) -> tuple[list[Span], list[tuple[int, int]]]:
        """A list without a head word whose items mostly hold an industry is a list of industries, each
        item whole (纺织鞋服、健康食品、新能源电池), a masked one too (金属智造、**、新材料); an item that is a
        zone of an industry (高端制造业集聚区, ending in zone_heads) names only the industry in it, and is
        returned as a zone."""
        parts = [self._trim_lead(tokens, starts, *parts[0]), *parts[1:]]
        if any(re.search(r"\d", text[a:b]) for a, b in parts):  # a list of products or projects
            return [], []
        # the last item may run on into what is said of the list (畜牧业、渔业稳定发展): it ends with its industry
        a, b = parts[-1]
        inside = [y for x, y in industries if a <= x and y <= b]
        if inside and not _name_like(tokens, starts, a, b):
            parts[-1] = (a, max(inside))
        holding = sum(any(a <= x and y <= b for x, y in industries) for a, b in parts)
        if holding < 2 or 2 * holding < len(parts):
            return [], []
        zone_heads = tuple(_compiled()["enum"]["zone_heads"])
        zones = [(a, b) for a, b in parts if text.endswith(zone_heads, a, b)]
        exact = set(industries)
        return [self._span(text, a, b, "INDUSTRY") for a, b in parts if (a, b) not in exact and (a, b) not in zones
                and (_masked_item(text[a:b])
                     or (b - a >= 2 and _name_like(tokens, starts, a, b, "industry_function_pos")))], zones

    @staticmethod
    def _trim_lead(tokens: list[Token], starts: list[int], start: int, end: int) -> tuple[int, int]:
        """The first item of a list starts after the verbs and particles before it (对索通 → 索通)."""
        e = _compiled()["enum"]
        for i in range(max(0, bisect_right(starts, start) - 1), len(tokens)):
            token = tokens[i]
            if token.end <= start:
                continue
            # a dictionary verb of two or more characters opens no name (确保中晟硅材 → 中晟硅材)
            verb = token.pos == "v" and len(token.word) > 1 and in_dictionary(token.word)
            leading = token.pos in e["lead_pos"] or token.word in e["lead_words"] or verb
            if token.start >= end or token.end >= end or not leading:
                break
            start = max(start, token.end)
        return start, end

    def _span(self, text: str, start: int, end: int, label: str) -> Span:
        surface = text[start:end]
        return Span(start, end, label, surface, bool(_compiled()["mask"].search(surface)))

    def _from_token(self, text: str, tokens: list[Token], i: int, token: Token) -> list[Span]:
        c = _compiled()
        word = token.word
        found: list[Span] = []
        listed = c["name_label"].get(word)
        if listed:
            start = token.start
            if listed == "INDUSTRY":
                start = self._industry_modifiers(tokens, i)
            elif listed == "ORG":
                start = self._level_prefix(tokens, i)
            found.append(self._span(text, start, token.end, listed))
        after_mask = i > 0 and tokens[i - 1].pos == "mask"
        if c["not_name_suffixes"].longest(word)[0] is not None and not after_mask:
            return found
        suffix, label = c["suffixes"].longest(word)
        if suffix is None or (label == "INDUSTRY" and text.startswith(c["park_words"], token.end)):
            return found
        allowed = c["project_pos"] if label == "PROJECT" else c["name_pos"]
        if suffix in c["numbered_roads"]:  # 104国道, 徐宁一级公路
            allowed = allowed | {"m"}
        start = token.start
        j = i - 1
        limit = c["max_chars"][label]
        passed_mask = False
        inner = c["project_inner"]
        while j >= 0:
            left = tokens[j]
            if label == "ORG" and self._ends_org_extension(left, listed == "ORG", word, suffix):
                break
            # a body's level word starts its name unless a place's name stands before it (省人民政府, **市委)
            if label == "ORG" and j + 1 < i and tokens[j + 1].word in c["admin"] and not _is_proper(left):
                break
            # a verb inside a project's name follows a noun of it (回收利用, 提标改造), not an adverb or a figure
            project_word = label == "PROJECT" and (left.pos in inner["pos"] or left.word in inner["words"]) and (
                j > 0 and tokens[j - 1].pos in inner["before_verb_pos"])
            barrier = left.word in c["barriers"].get(label, ()) and not (
                label == "PROJECT" and j == i - 1 and left.word in inner["head_modifiers"])
            # a firm and its project are two names (**铝业 + 2号线改造项目), a firm's 建设项目 one; a firm
            # is no part of a name headed by a weak firm word either (**公司 + 清洁能源; **铝业公司 is one)
            if label == "COMPANY" and suffix in c["needs_name"]["COMPANY"] and self._firm(left.word):
                break
            if label == "PROJECT" and self._firm(left.word) and (
                    text[left.end:token.end - len(suffix)] not in inner["head_modifiers"] | {""}):
                break
            stop = left.word in c["left_stops"] and not project_word and not (
                label == "PROJECT" and left.word in inner["park_words"])
            if ((left.pos not in allowed and not project_word) or stop
                    or not WORDLIKE.fullmatch(left.word)
                    or token.end - left.start > limit + len(suffix) or left.word in c["not_names_but_admin"]
                    or barrier):
                break
            # Left of a mask only a proper noun can still belong to the name (中国建设银行***分行),
            # not a verb jieba took for a noun (参观***市); a masked figure (年产*万吨) is no name part.
            if passed_mask and not _is_proper(left):
                break
            masked_figure = j + 1 < len(tokens) and tokens[j + 1].pos in ("m", "q", "mq")
            passed_mask = passed_mask or (left.pos == "mask" and not (label == "PROJECT" and masked_figure))
            start = left.start
            j -= 1
            if label == "PROJECT" and left.word in c["name_openers"]:
                break
        # A project's name starts after the verbs it may hold inside (建设稀土废料综合回收利用项目).
        while label == "PROJECT" and j + 1 < i and (tokens[j + 1].pos in inner["pos"]
                                                    or tokens[j + 1].word in inner["words"]):
            j += 1
            start = tokens[j + 1].start if j + 1 < i else token.start
        # The speaker's own unit is no prefix of a name (我区党工委 → 党工委).
        if j >= 0 and tokens[j].word in c["speaker_words"] and j + 1 < i and tokens[j + 1].word in c["admin"]:
            j += 1
            start = tokens[j + 1].start if j + 1 < i else token.start
        # A name starts with content, not with a number word or a stop character.
        while start < token.end and (text[start] in c["left_stops"] or text[start].isspace()) and not any(
                text.startswith(w, start) for w in c["name_openers"]):
            start += 1
        name_end = token.end - len(suffix)
        # an industry's name ends before the words that qualify it (钢、铝、核优势产业 → 核), and so does its span
        qualified = False
        while label == "INDUSTRY" and (trailing := next((w for w in c["industry_qualifiers"]
                                                         if text.endswith(w, start, name_end)), None)):
            name_end -= len(trailing)
            qualified = True
        name = text[start:name_end]
        if not name or not self._is_name(tokens, j + 1, i, name, suffix, label):
            return found
        in_span = (c["suffix_in_span"].get(label, True) or suffix in c["always_in_span"]) and not qualified
        end = token.end if in_span else name_end
        found.append(self._span(text, start, end, label))
        return found

    @staticmethod
    def _level_prefix(tokens: list[Token], i: int) -> int:
        """A listed body with its level word and the masked place before that (市工商联, ***区妇联), not the
        speaker's own unit (我区)."""
        c = _compiled()
        j = i
        if j > 0 and c["session"].match(tokens[j - 1].word):  # 第十四届全国人民代表大会
            j -= 1
        units = c["bodies_of_named_units"]
        if j > 0 and tokens[j - 1].word in c["admin"] and not (j > 1 and tokens[j - 2].word in c["speaker_words"]):
            j -= 1
            if j > 0 and tokens[j - 1].pos == "mask":
                j -= 1
        # a body of a park named or masked before its unit word (**园党工委), not of the speaker's 园区 alone
        elif (j > 1 and tokens[j - 1].word in units["units"] and tokens[j].word in units["bodies"]
              and _is_proper(tokens[j - 2])):
            j -= 2
        return tokens[j].start

    @staticmethod
    def _firm(word: str) -> bool:
        """`word` ends in a suffix that makes a firm's name on its own (公司, 集团, 铝业; not 科技)."""
        c = _compiled()
        suffix, label = c["suffixes"].longest(word)
        return label == "COMPANY" and suffix not in c["needs_name"]["COMPANY"]

    @staticmethod
    def _industry_modifiers(tokens: list[Token], i: int) -> int:
        """A listed industry with the modifiers that are part of its name (精细磷化工, 煤基新材料, 设施农业):
        the start of the nouns right before it (ner_gazetteer.json, industry_modifiers)."""
        c = _compiled()
        rule = c["industry_modifiers"]
        j = i
        while j > 0 and i - j < rule["max_tokens"]:
            left = tokens[j - 1]
            if left.word not in rule["words"] and (
                    left.pos not in rule["pos"] or left.word in rule["not_modifiers"] or left.word in c["left_stops"]
                    or left.word in c["generic"]["INDUSTRY"] or any(p in left.word for p in rule["not_in_modifiers"])
                    or c["name_label"].get(left.word) not in (None, "INDUSTRY") or not WORDLIKE.fullmatch(left.word)):
                break
            j -= 1
        return tokens[j].start

    @staticmethod
    def _ends_org_extension(left: Token, head_listed: bool, head: str, suffix: str) -> bool:
        """An ORG name does not reach over another body (市委|市政府) unless its head is a body
        inside that one (管委会党组); a listed body (党工委) takes only a place or mask before it."""
        c = _compiled()
        if head in c["sub_bodies"] or suffix in c["sub_bodies"]:
            return False
        listed = c["name_label"].get(left.word)
        left_is_org = listed == "ORG" or c["org_suffixes"].longest(left.word, shorter_than_word=True)[0] is not None
        place_like = left.pos in ("mask", "ns") or left.word in c["admin"] or listed == "PLACE"
        return left_is_org or (head_listed and not place_like)

    @staticmethod
    def _is_name(tokens: list[Token], first: int, head: int, name: str, suffix: str, label: str) -> bool:
        c = _compiled()
        core = name
        for prefix in c["admin_longest_first"]:
            if core.startswith(prefix) and len(core) > len(prefix):
                core = core[len(prefix):]
                break
        if core in c["generic"].get(label, ()) or name in c["generic"].get(label, ()):
            return False
        if label == "PROJECT" and c["generic_project"].match(name):
            return False
        if label in ("PROJECT", "INDUSTRY") and len(core) < 2:
            return False
        specific = re.search(r"\d", name) or c["mask"].search(name) or any(_is_proper(t) for t in tokens[first:head])
        # a project right after the firm that builds it is that firm's (**公司天然气复线利用工程)
        specific = specific or (label == "PROJECT" and first > 0 and RuleNer._firm(tokens[first - 1].word))
        if label == "PROJECT" and not specific and not _park_project(name):
            return False
        if suffix in c["needs_name"].get(label, ()):
            lead = tokens[first] if first < head else tokens[head]
            admin_led = label == "ORG" and name[:1] in c["admin"]
            numbered_road = suffix in c["numbered_roads"] and bool(re.fullmatch(r"[\dA-Z]+", name))
            # jieba tags a firm's unknown short name nz (恒辉环保), as it does some terms, which are listed
            firm_name = label == "COMPANY" and lead.pos == "nz" and len(lead.word) == 2 and lead.word not in c[
                "name_label"]
            return (_is_proper(lead) or admin_led or numbered_road or firm_name
                    or (label == "PLACE" and _trade_park(name + suffix)))
        return True


def _names_inside_words(tokens: list[Token]) -> list[Token]:
    """A dictionary word that begins with a name read as its parts (高新技术产业|增加值, 党工委|会议, 市|妇联):
    ner_gazetteer.json, names_inside_words."""
    levels = _compiled()["nested_places"]["levels"]
    split: list[Token] = []
    for t in tokens:
        cut = _name_inside(t.word)
        # jieba may join a masked place's level word to the next word (XX|镇辖域): not a word of its own
        if (not cut and split and split[-1].pos == "mask" and t.word[:1] in levels and len(t.word) > 1
                and not in_dictionary(t.word)):
            cut = 1
        if cut:
            split += [Token(t.word[:cut], "n", t.start, t.start + cut), Token(t.word[cut:], "n", t.start + cut, t.end)]
        else:
            split.append(t)
    return split


def _name_inside(word: str) -> int:
    """Where `word` splits into a name and its tail, or a level word and a listed body; 0 if it does not."""
    c = _compiled()
    if word in c["name_label"]:
        return 0
    if word[:1] in c["admin"] and c["name_label"].get(word[1:]) == "ORG":
        return 1
    for label, tails in c["tails"].items():
        tail = next((w for w in tails if word.endswith(w) and len(word) > len(w)), None)
        head = word[:-len(tail)] if tail else ""
        if head and (c["name_label"].get(head) == label or c["suffixes"].longest(head)[1] == label):
            return len(head)
    return 0


def _park_project(name: str) -> bool:
    """A project of the speaker's park named by what it builds (园区企业服务中心建设工程), not a count of its
    projects (园区新签约项目, 园区所有建设项目工程): ner_gazetteer.json, project_inner."""
    rule = _compiled()["project_inner"]
    park = next((w for w in rule["park_words"] if name.startswith(w)), "")
    return bool(park) and len(name) - len(park) >= rule["park_project_chars"] and "项目" not in name


def refused_name(label: str, text: str) -> bool:
    """What the rules never take for a name of `label` (ner_gazetteer.json): a generic word or a stop word
    alone (工业, 南起), a mask alone (its context decides, and only the rules read it), a particle inside
    (***省长拜会了); a title in 《》 may hold anything. The model's names pass the same test."""
    c = _compiled()
    return label != "DOC" and (text in c["generic"].get(label, ()) or text in c["left_stops"]
                               or bool(c["mask"].fullmatch(text)) or any(p in text for p in c["not_in_names"]))


def _trade_park(name: str) -> bool:
    """A park named by its trade (陶瓷产业园区, 医药工业产业园区): a name, unlike 特色产业园 or 工业园区 alone."""
    c = _compiled()
    head = next((h for h in c["trade_parks"]["heads"] if name.endswith(h)), None)
    trade = name[:-len(head)] if head else ""
    return (len(trade) >= 2 and trade[:1] not in c["left_stops"] and trade not in c["generic"]["INDUSTRY"]
            and not any(w in trade for w in c["trade_parks"]["not_trades"]))


def _name_like(tokens: list[Token], starts: list[int], start: int, end: int, pos_list: str = "function_pos") -> bool:
    """No dictionary word inside [start, end) is a verb, adverb or particle (enumerations[pos_list])."""
    function_pos = _compiled()["enum"][pos_list]
    i = bisect_left(starts, start)
    while i < len(tokens) and tokens[i].start < end:
        t = tokens[i]
        if t.end <= end and t.pos in function_pos and in_dictionary(t.word):
            return False
        i += 1
    return True


def _masked_item(item: str) -> bool:
    """A short item with a mask in it: a name masked whole or in part (**, x能)."""
    return bool(_compiled()["mask"].search(item)) and len(item) <= _compiled()["enum"]["masked_item_max_chars"]


def _one_token(tokens: list[Token], starts: list[int], start: int, end: int) -> Token | None:
    """The token that is exactly [start, end), if one is."""
    i = bisect_left(starts, start)
    return tokens[i] if i < len(tokens) and tokens[i].start == start and tokens[i].end == end else None


def _firm_before_product(text: str, start: int, end: int) -> int | None:
    """Where an item of a list of projects written as its firm and its product (xx化工x万吨靛蓝, 青岛**集团广元电子
    接插件) turns from the firm to the product: before the product's figure, or after a firm's suffix
    (ner_gazetteer.json, enumerations.firm_before_product)."""
    rule = _compiled()["enum"]["firm_before_product"]
    figure = rule["figure"].search(text, start, end)
    if figure and figure.start() - start >= 2:
        return figure.start()
    suffix = rule["firm_suffix"].search(text, start, end)
    return suffix.end() if suffix and end - suffix.end() >= 2 and suffix.start() > start else None


def _common_word(tokens: list[Token], starts: list[int], start: int, end: int) -> bool:
    """[start, end) is one dictionary word and no proper noun (重大, 落地, 民生): an item no name."""
    i = bisect_left(starts, start)
    inside = tokens[i:i + 2] if i < len(tokens) and tokens[i].start == start else []
    inside = [t for t in inside if t.end <= end]
    return len(inside) == 1 and inside[0].pos not in PROPER_POS and in_dictionary(inside[0].word)


def _is_proper(token: Token) -> bool:
    """A mask run, a proper noun, or a listed name other than an industry."""
    listed = _compiled()["name_label"].get(token.word)
    return token.pos in PROPER_POS or (listed is not None and listed != "INDUSTRY")


def _join_industries(text: str, spans: list[Span]) -> list[Span]:
    """Industries written together are one industry (化工新材料, 新能源装备制造)."""
    joined: list[Span] = []
    for span in spans:
        last = joined[-1] if joined else None
        if last and last.label == span.label == "INDUSTRY" and last.end == span.start:
            surface = text[last.start:span.end]
            joined[-1] = Span(last.start, span.end, "INDUSTRY", surface, last.masked or span.masked)
        else:
            joined.append(span)
    return joined


def _parks_being_built(text: str, spans: list[Span]) -> list[Span]:
    """A park the text builds is a PROJECT (ner_gazetteer.json, parks_being_built)."""
    rule = _compiled()["parks_being_built"]
    built = []
    for span in spans:
        if span.label == "PLACE" and span.text.endswith(tuple(rule["heads"])):
            # (the clause is read no further than clause_max_chars: bounded work on a long line)
            clause = rule["clause"].match(text, span.end, span.end + rule["clause_max_chars"]).group()
            before = text[max(0, span.start - 4):span.start]
            if any(w in clause for w in rule["after"]) or before.endswith(tuple(rule["before"])):
                span = Span(span.start, span.end, "PROJECT", span.text, span.masked)
        built.append(span)
    return built


def _nested_places(text: str, spans: list[Span]) -> list[Span]:
    """Places written inside one another are one place (***县**乡**村, 浙江**市**区), and a region takes its
    地区 (成渝地区): ner_gazetteer.json, nested_places."""
    rule = _compiled()["nested_places"]
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last and last.label == span.label == "PLACE" and last.end == span.start and last.text.endswith(
                rule["levels"]):
            surface = text[last.start:span.end]
            merged[-1] = Span(last.start, span.end, "PLACE", surface, last.masked or span.masked)
        else:
            merged.append(span)
    return [Span(s.start, s.end + len(tail), "PLACE", s.text + tail, s.masked)
            if s.label == "PLACE" and (tail := next((w for w in rule["regions"] if text.startswith(w, s.end)), ""))
            else s for s in merged]


def _bodies_of_named_units(text: str, spans: list[Span]) -> list[Span]:
    """A party body right after the named park or firm it belongs to is one ORG with it (济宁经开区党工委)."""
    bodies = tuple(_compiled()["bodies_of_named_units"]["bodies"])
    merged: list[Span] = []
    for span in spans:
        start, k = span.start, len(merged)
        if span.label == "ORG" and span.text.endswith(bodies):
            while k > 0 and merged[k - 1].label in ("PLACE", "COMPANY") and not text[merged[k - 1].end:start].strip():
                k -= 1
                start = merged[k].start
        if k < len(merged):
            surface = text[start:span.end]
            merged[k:] = [Span(start, span.end, "ORG", surface, bool(_compiled()["mask"].search(surface)))]
        else:
            merged.append(span)
    return merged


def _lone_masked_places(text: str, tokens: list[Token], spans: list[Span]) -> list[Span]:
    """A mask no name holds, standing for a place in a phrase (为x争先进位, 对xx的殷切期待): a PLACE
    (ner_gazetteer.json, lone_masked_places)."""
    rule = _compiled()["lone_masked_places"]
    taken = SpanCover((s.start, s.end) for s in spans)
    found = [Span(t.start, t.end, "PLACE", t.word, True) for t in tokens if t.pos == "mask"
             and not taken.overlaps(t.start, t.end) and text.startswith(rule["after"], t.end)
             and (not (before := text[max(0, t.start - LOOK_BACK):t.start].rstrip(" \u3000"))
                  or before[-1] in rule["openers"] or before.endswith(rule["before"]))]
    return sorted(spans + found, key=lambda s: s.start) if found else spans


def _resolve(spans: list[Span]) -> list[Span]:
    """Keep the longest of overlapping spans (the earlier one on a tie)."""
    kept: list[Span] = []  # by start; they do not overlap, so their ends are in order too
    starts: list[int] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        i = bisect_right(starts, span.start)
        if (i == 0 or kept[i - 1].end <= span.start) and (i == len(kept) or span.end <= kept[i].start):
            kept.insert(i, span)
            starts.insert(i, span.start)
    return kept


class SpanCover:
    """Spans, asked whether one of them holds or overlaps a given span; each question costs a binary search."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(itertools.accumulate((b for _, b in ordered), max))  # the farthest end so far

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end

    def overlaps(self, start: int, end: int) -> bool:
        """Whether one of the spans shares a character with start..end."""
        i = bisect_left(self.starts, end) - 1  # the last span starting before `end`
        return i >= 0 and self.reach[i] > start
