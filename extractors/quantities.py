"""Rule extractor for reported figures: value, unit, role, indicator, status and period.

The text is scanned once with one pattern for numbers (Arabic, Chinese numerals, mask
runs, ranges) with their qualifiers and units, once for ranks (排名第二) and once for
numbers deleted outright (引进个项目). Each candidate is then read in its sentence:
what it measures (the phrase before it, or the noun after a measure word), what kind
of figure it is (growth after 增长, share after 占, …), whether it is planned or
forecast, and for which period. All cue words live in data/quantity_rules.json.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import regex

from parksum.extractors.indicators import lexicon
from parksum.extractors.placeholders import MaskMarks, inside_pair, masked_view
from parksum.extractors.units import not_after_measure_word, unit_for, units_longest_first
from parksum.text.doc import Document, Quantity, Section
from parksum.text.numerals import chinese_value
from parksum.text.patterns import scanner
from parksum.text.resources import load_json

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUM_AR = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:，[0-9]{3})+(?![0-9])|[0-9*]+)(?:\.[0-9*]+)?"
_NUM_CN = rf"(?<![{_CN_DIGITS}万亿])[一二两三四五六七八九十][{_CN_DIGITS}]*"
_RANK_NUM = r"[一二三四五六七八九十]+|[0-9]+"


def _alternation(words: list[str]) -> str:
    return "|".join(map(regex.escape, sorted(words, key=len, reverse=True)))


@dataclass
class _Candidate:
    start: int  # of the number
    end: int  # of the unit (or number)
    qual_start: int  # of a qualifier written before the number
    consumed_end: int  # after a qualifier written after the unit
    num: str
    num2: str | None
    unit: str | None
    qualifier: str | None
    role: str | None = None  # fixed by the pattern: rank
    deleted: bool = False
    negative: bool = False  # written with a minus sign
    unit_start: int = 0


class QuantityExtractor:
    """Pipeline component: fills `doc.quantities` (a mask run reads as digits withheld)."""

    name = "quantities"

    def __init__(self) -> None:
        r = load_json("parksum.extractors", "quantity_rules.json")
        self.rules = r
        magnitudes = _alternation(r["unit_magnitudes"])
        unit_re = f"(?:{magnitudes})?(?:{_alternation(units_longest_first())})|{magnitudes}"
        sep = _alternation(r["range_separators"])
        # `re`, not `regex`, for the two scans over the whole text: several times faster. The
        # lookahead guard lets the engine leave a position at its first character.
        first = "".join(sorted({q[0] for q in r["qualifiers_before"]}))
        self._number = re.compile(
            rf"(?=[{first}\-0-9*一二两三四五六七八九十])"
            rf"(?P<qual>{_alternation(r['qualifiers_before'])})?\s?"
            rf"(?P<sign>-)?(?P<num>{_NUM_AR}|{_NUM_CN})"
            rf"(?:(?P<unit1>%|％)?\s?(?P<sep>{sep})\s?(?P<num2>{_NUM_AR}|{_NUM_CN}))?"
            rf"(?P<mid>{_alternation(r['qualifiers_inside'])})?"
            rf"\s?(?P<unit>{unit_re})?(?![A-Za-z])"
            rf"(?P<after>{_alternation(r['qualifiers_after'])})?"
        )
        scopes = _alternation(r["rank_scopes"])
        # 排名第二, 排全省第七、全市第二, 从世界第六位上升到第四位 (after 从/到 only with 位 or 名)
        self._rank = regex.compile(
            rf"(?:(?:{_alternation(r['rank_before'])})(?:{scopes})?(?:由|从)?|(?<=、)(?:{scopes}))"
            rf"(?P<text>第(?P<num>{_RANK_NUM})(?:位|名)?)"
            rf"|(?:由|从|到|至)(?:{scopes})?(?P<text2>第(?P<num2>{_RANK_NUM})(?:位|名))"
        )
        self._rank_words = regex.compile(
            rf"(?:{_alternation(r['rank_before'] + r['rank_scopes'] + ['由', '从', '到', '至', '上升', '下降'])})+$")
        self._deleted = regex.compile(
            rf"(?:(?P<cue>{_alternation(r['deleted_number_cues'])})|(?<=[\u4e00-\u9fff])(?<![{_CN_DIGITS}万亿]))"
            rf"(?P<unit>{_alternation(r['deleted_number_units'])})(?=[，,。；;、）)]|$)"
            rf"|(?<={_alternation(r['deleted_count_cues'])})"
            rf"(?P<unit>{_alternation(r['deleted_count_units'])})(?=项目|企业|[，,。；;])"
        )
        self._fixed = regex.compile(_alternation(r["fixed_terms"]))
        self._one_as_article = regex.compile(r["one_as_article"])
        periods = load_json("parksum.extractors", "periods.json")
        self._periods = scanner(periods["patterns"])
        self._continues = tuple(periods["continues_sentence"])
        self._frame_marks = tuple(periods["frames_paragraph_before"])
        self._trailing_period = regex.compile("(?:" + "|".join(periods["patterns"]) + ")的?$")
        self._sentence_end = re.compile(f"[{re.escape(r['sentence_ends'])}]")
        self._clause_end = re.compile(f"[{re.escape(r['clause_ends'])}]")
        self._phrase_break = re.compile(f"[{re.escape(r['phrase_breaks'])}]")
        self._lead = regex.compile(rf"^(?:{_alternation(r['indicator_lead_trim'])})")
        self._tail = regex.compile(rf"(?:{_alternation(r['indicator_tail_trim'])})$")
        self._post_stop = regex.compile(_alternation(r["post_phrase_stops"]))
        self._growth = regex.compile(rf"(?:{_alternation(r['growth_before'])})了?\s?$")
        self._decrease = tuple(r["decrease_words"])
        self._completion = regex.compile(rf"(?:{_alternation(r['completion_before'])})\s?$")
        self._share = regex.compile(_alternation(r["share_before"]))
        change_verbs = _alternation(r["growth_before"] + r["level_change_verbs"])
        self._level_change = regex.compile(rf"(?:{change_verbs})(?:{_alternation(r['level_after_change'])})$")
        self._multiple_cue = regex.compile(r"(?:是|为|相当于)(?:去年|上年|上一年|同期|(?:19|20)[0-9]{2}年)的?$")
        self._comparison = regex.compile(r["comparison_bases"])
        self._year_count = regex.compile(rf"(?:{_alternation(r['year_count_before'])})$")
        self._forecast = regex.compile(_alternation(r["forecast_cues"]))
        self._forecast_framing = regex.compile(r["forecast_framing"])
        self._target = regex.compile("|".join(r["target_patterns"]))
        self._target_sentence = regex.compile("|".join(r["target_sentence_patterns"]))
        self._change_word = regex.compile(_alternation(r["subject_cuts"]))
        self._growth_after = regex.compile(_alternation(r["growth_after"]))
        self._completion_of = regex.compile(r["completion_of"])
        self._threshold_after = regex.compile(r["threshold_after"])
        self._marks = MaskMarks()
        self._lexicon = lexicon()

    def __call__(self, doc: Document) -> Document:
        doc.quantities = self.extract(doc, masked_view(doc.norm, self._marks.runs(doc.norm)))
        return doc

    # -- candidates -------------------------------------------------------------------
    def _candidates(self, scan: str, titles: list[tuple[int, int]]) -> list[_Candidate]:
        blocked = _merge_spans([m.span() for m in self._fixed.finditer(scan)] + titles)
        found = []
        for m in self._number.finditer(scan):
            cand = self._number_candidate(scan, m)
            if cand and not _overlaps(cand.start, cand.end, blocked):
                found.append(cand)
        for m in self._rank.finditer(scan):
            text = "text" if m.group("text") else "text2"
            found.append(_Candidate(m.start(text), m.end(text), m.start(text), m.end(text),
                                    m.group("num") or m.group("num2"), None, None, None, role="rank"))
        for m in self._deleted.finditer(scan):
            qualifier = m.group("cue")
            found.append(_Candidate(m.start("unit"), m.end("unit"), m.start("cue") if qualifier else m.start("unit"),
                                    m.end("unit"), "", None, m.group("unit"), qualifier, deleted=True,
                                    unit_start=m.start("unit")))
        found.sort(key=lambda c: c.start)
        return _drop_overlaps(found)

    def _number_candidate(self, scan: str, m: re.Match) -> _Candidate | None:
        num, unit, num2 = m.group("num"), m.group("unit"), m.group("num2")
        start = m.start("sign") if m.group("sign") else m.start("num")
        chinese = not (num[0].isdigit() or num[0] == "*")
        before = scan[start - 1:start] if start else ""
        after_num = scan[m.end("num"):m.end("num") + 1]
        if not chinese and before and (before.isdigit() or before in ".*"):
            return None
        if chinese and (not unit or inside_pair(scan, start, _DOUBLE_QUOTES) or (
                len(num) == 1 and before in self.rules["chinese_numeral_blockers_before"])):
            return None
        if num == "一" and (not scan[max(0, start - 4):start].endswith(tuple(self.rules["one_allowed_after"]))
                            or (unit and self._one_as_article.match(scan, m.end("unit")))):
            return None
        if unit is None and (after_num in "年月日号时" or self._is_year(num)):
            return None  # a date or a bare year
        if unit == "年" and (self._is_year(num) or not self._year_count.search(scan, max(0, start - 4), start)):
            return None  # 2022年 is a period; only 连续两年 counts years
        if unit and scan.startswith(tuple(self.rules["unit_blockers_after"]), m.end("unit")):
            return None  # 百亿级, 十二次党代会
        if unit and unit_for(unit).measure_word and scan.startswith(
                not_after_measure_word(), m.end("unit")):
            return None  # 一项目, 一个度
        if num2 and unit is None and m.group("unit1") is None:
            return None  # 1-10月, 2021-2035年 and other bare ranges
        end = m.end("unit") if unit else max(m.end("num2") if num2 else 0, m.end("mid") or 0, m.end("num"))
        qual = m.group("qual")
        if qual and scan[m.start("qual") - 1:m.start("qual")] in self.rules["qualifier_word_blockers"].get(qual, "-"):
            qual = None  # 签约**次: 约 ends the word 签约
        qualifiers = [q for q in (qual, m.group("mid"), m.group("after")) if q
                      and q in self.rules["qualifiers_before_kept"] + self.rules["qualifiers_inside"]
                      + self.rules["qualifiers_after"]]
        if unit is None and m.group("after"):
            qualifiers = qualifiers[:-1]  # 多 after a bare number belongs to the next word
        qualifier = "…".join(qualifiers) or None
        qual_start = m.start("qual") if qual and qual in qualifiers else start
        consumed = m.end("after") if m.group("after") and unit else end
        unit_start = m.start("unit") if unit else m.start("unit1")
        return _Candidate(start, end, qual_start, consumed, num, num2, unit or m.group("unit1"), qualifier,
                          negative=bool(m.group("sign")), unit_start=unit_start)

    @staticmethod
    def _is_year(num: str) -> bool:
        return len(num) == 4 and num[:2] in ("19", "20")

    # -- reading each candidate in its sentence --------------------------------------
    def extract(self, doc: Document, scan: str) -> list[Quantity]:
        sentence_starts = [0] + [m.end() for m in self._sentence_end.finditer(scan)]
        clause_breaks = [m.start() for m in self._clause_end.finditer(scan)]
        # A heading marker (一是, （二）) bounds a phrase like punctuation does.
        phrase_breaks = sorted([m.start() for m in self._phrase_break.finditer(scan)]
                               + [doc.norm_offset(h.marker_end) - 1 for h in doc.headings])
        titles = _title_spans(scan)
        periods = [m.span() for m in self._periods.finditer(scan) if not _overlaps(*m.span(), titles)]
        period_starts = [p[0] for p in periods]
        frames = [(a, b) for a, b in periods
                  if (a == 0 or scan[a - 1] == "\n") and scan[b:b + 1] in self._frame_marks]
        quantities: list[Quantity] = []
        previous_end, previous, previous_read = 0, None, None
        for cand in self._candidates(scan, titles):
            s_index = bisect.bisect_right(sentence_starts, cand.start) - 1
            sentence_start = sentence_starts[s_index]
            sentence_end = sentence_starts[s_index + 1] if s_index + 1 < len(sentence_starts) else len(scan)
            if previous is not None and previous.sentence_start != doc.text_offset(sentence_start):
                previous_end, previous, previous_read = sentence_start, None, None
            clause_start = _last_before(clause_breaks, cand.qual_start, sentence_start) + 1
            phrase_start = max(_last_before(phrase_breaks, cand.qual_start, sentence_start) + 1,
                               previous_end, sentence_start)
            phrase_start = max(phrase_start, cand.qual_start - self.rules["pre_phrase_max"])
            pre = self._trailing_period.sub("", scan[phrase_start:cand.qual_start])  # 由1997年的|3252亿美元
            clause = scan[clause_start:cand.qual_start]
            role, sign = self._role(scan, cand, pre.rstrip(), clause, previous)
            if cand.unit is None and not cand.deleted and role != "rank" and (
                    role not in ("growth", "completion") or _is_cjk(scan[cand.end:cand.end + 1])):
                continue  # a bare number counts only as a change or completion rate ending its clause
            value, low, high = self._values(cand, sign)
            # 棉花：达到七百万担, 进出口总额，由…增加到…: a figure without a phrase of its own reports on the
            # subject before the comma or colon opening its phrase, else on the figure before's.
            subject = self._subject(scan, phrase_start, max(sentence_start, previous_end), phrase_breaks)
            read, post_end = self._indicator(scan, cand, role, pre, subject or previous_read, phrase_breaks)
            # The phrase as written (稅收 where the view of a traditional text reads 税收), the previous
            # figure's where it was inherited.
            indicator = _written_phrase(doc, scan, read, phrase_start, cand, post_end) or (
                previous.indicator if previous is not None and read == previous_read else read)
            start, end = doc.text_span(cand.start, cand.end)
            section = doc.section_at(start)
            period, period_start = self._period(scan, periods, period_starts, cand, sentence_start,
                                                sentence_starts[max(0, s_index - 1)])
            if period is None:
                period, period_start = _framing_period(doc, scan, frames, cand.qual_start, section)
            unit = unit_for(cand.unit) if cand.unit else None
            canonical = self._lexicon.lookup(read, cand.unit) if role != "threshold" else None
            quantity = Quantity(
                start=start, end=end, text=doc.text[start:end], indicator=indicator,
                role="value" if role == "threshold" else role, threshold=role == "threshold",
                masked="*" in scan[cand.start:cand.end] or cand.deleted, value=value,
                unit=doc.written(cand.unit_start, cand.unit_start + len(cand.unit)) if cand.unit else None,
                qualifier=cand.qualifier,
                status=self._status(scan, cand, role, clause, sentence_start, section.kind if section else "other"),
                period=doc.written(period_start, period_start + len(period)) if period else None,
                deleted=cand.deleted, value_low=low, value_high=high,
                indicator_id=canonical.id if canonical else None,
                base_unit=(unit.base or None) if unit else None,
                base_value=unit.to_base(value) if unit else None,
                period_year=self._period_year(period, doc, section),
                sentence_start=doc.text_offset(sentence_start),
                sentence_end=doc.text_span(sentence_start, sentence_end)[1],
                section=section.index if section else None,
            )
            quantities.append(quantity)
            previous, previous_read, previous_end = quantity, read, max(cand.consumed_end, post_end)
        return quantities

    def _role(self, scan: str, cand: _Candidate, pre: str, clause: str,
              previous: Quantity | None) -> tuple[str, int]:
        """The kind of figure, and the sign a decrease gives it."""
        percent = cand.unit in ("%", "％")
        if cand.role:
            return cand.role, 1
        if cand.unit in self.rules["multiple_units"]:
            return "multiple", 1
        if (set((cand.qualifier or "").split("…")) & set(self.rules["threshold_qualifiers"])
                and self._threshold_after.match(scan, cand.consumed_end)):
            return "threshold", 1  # 税收500万元以上企业6家: the bound of a class
        if previous is not None and pre.strip() in ("和", "及", "与", "、", "以及") and previous.role != "rank":
            return previous.role, -1 if previous.value is not None and previous.value < 0 else 1
        level = self._level_change.search(pre)  # 由**%提升到***%: a level, not a change
        growth = not level and self._growth.search(pre)
        if growth:
            return "growth", -1 if any(w in growth.group() for w in self._decrease) else 1
        if not level and self._growth_after.match(scan, cand.consumed_end):
            return "growth", 1  # 保持3%—5%的增长
        if not level and ((self._completion.search(pre) and cand.unit is None)
                          or (percent and self._completion_of.search(clause))):
            return "completion", 1
        if percent and self._share.search(clause):
            return "share", 1
        if cand.unit and unit_for(cand.unit).measure_word:
            return "count", 1
        return "value", 1

    def _values(self, cand: _Candidate, sign: int) -> tuple[float | None, float | None, float | None]:
        if cand.deleted:
            return None, None, None
        low = _number(cand.num)
        if cand.role == "rank":
            return low, None, None
        if cand.num2 is not None:
            return None, low, _number(cand.num2)
        if low is not None and (sign < 0 or cand.negative):
            low = -abs(low)
        return low, None, None

    def _indicator(self, scan: str, cand: _Candidate, role: str, pre: str, inherit: str | None,
                   phrase_breaks: list[int]) -> tuple[str | None, int]:
        """The phrase naming what is measured (as the view reads it), and where the text it used ends;
        `inherit` is the previous figure's phrase, which a figure without its own takes."""
        if self._level_change.search(pre):  # 由*平方公里扩大到*平方公里, 城镇化率提高到66.2%
            own = self._trim(self._level_change.sub("", pre))
            return (own if len(own) >= 2 else inherit), cand.consumed_end
        own = self._trim(self._strip_role_cue(pre, role))
        if role in ("growth", "share", "completion", "multiple") or (role == "rank" and not own):
            mine = len(own) >= 2 and not self._comparison.match(own)
            return (own if mine else inherit), cand.consumed_end
        if role == "rank":
            return own, cand.consumed_end
        if self._comparison.match(own):  # 占目标任务40亿元: the target of the figure before
            return inherit, cand.consumed_end
        post, post_end = self._post_phrase(scan, cand, phrase_breaks)
        if post:
            return own + post, post_end  # 签约引进**个|项目, 推进征收**亩|土地
        return own or inherit, cand.consumed_end  # 总计达**家: the total of the same thing

    def _subject(self, scan: str, phrase_start: int, floor: int, phrase_breaks: list[int]) -> str | None:
        """The words just before the comma or colon that opens a figure's phrase, after `floor` (the sentence's
        start or the figure before's end), when they are a short phrase without a figure or a comparison base
        of their own; cut before a change word (钢产量增长百分之四十二 → 钢产量)."""
        end = phrase_start - 1
        if end <= floor or scan[end] not in self.rules["subject_breaks"]:
            return None
        i = bisect.bisect_left(phrase_breaks, end) - 1
        start = phrase_breaks[i] + 1 if i >= 0 else 0
        if start < floor:
            return None
        subject = scan[start:end]
        change = self._change_word.search(subject)
        subject = self._trim(subject[:change.start()] if change else subject)
        if (2 <= len(subject) <= self.rules["subject_max"] and not self._figure_in_subject.search(subject)
                and not self._comparison.match(subject) and not self._trailing_period.search(subject)):
            return subject
        return None

    _figure_in_subject = regex.compile(r"[0-9*%]")

    def _strip_role_cue(self, pre: str, role: str) -> str:
        if role == "growth":
            return self._growth.sub("", pre)
        if role == "completion":
            return self._completion.sub("", pre)
        if role == "multiple":
            return self._growth.sub("", self._multiple_cue.sub("", pre))
        if role == "share":
            cues = list(self._share.finditer(pre))
            return pre[:cues[-1].start()] if cues else pre
        if role == "rank":
            return self._rank_words.sub("", pre)
        return pre

    def _post_phrase(self, scan: str, cand: _Candidate, phrase_breaks: list[int]) -> tuple[str, int]:
        """The noun after a measure word or unit: 签约引进**个|项目|."""
        if cand.unit is None or cand.role == "rank":
            return "", cand.consumed_end
        start = cand.consumed_end + (scan[cand.consumed_end:cand.consumed_end + 1] == "的")
        i = bisect.bisect_left(phrase_breaks, start)
        end = min(phrase_breaks[i] if i < len(phrase_breaks) else len(scan), start + self.rules["post_phrase_max"])
        stop = self._post_stop.search(scan, start, end)
        if stop:
            end = stop.start()
        number = self._number_start.search(scan, start, end)
        if number:
            end = number.start()
        phrase = scan[start:end]
        return (phrase, end) if len(phrase) >= 2 and not phrase[0].isdigit() else ("", cand.consumed_end)

    _number_start = regex.compile(r"[0-9*]|[一二两三四五六七八九十](?=[个家项名人次])")

    def _trim(self, phrase: str) -> str:
        phrase = phrase.strip(" 　\t、")
        while True:
            before = phrase
            period = self._periods.match(phrase)
            if period:
                phrase = phrase[period.end():]
            phrase = self._lead.sub("", phrase).strip(" 、")
            phrase = self._tail.sub("", phrase).strip(" 、")
            if phrase == before:
                return phrase

    def _status(self, scan: str, cand: _Candidate, role: str, clause: str, sentence_start: int, kind: str) -> str:
        scope = max([sentence_start] + [scan.rfind(mark, sentence_start, cand.qual_start) + 1
                                        for mark in self.rules["forecast_scope_ends"]])
        opening = len(scan[sentence_start:cand.qual_start]) - len(scan[sentence_start:cand.qual_start].lstrip())
        if self._forecast.search(scan, scope, cand.qual_start) or self._forecast_framing.match(
                scan, sentence_start + opening, cand.qual_start):
            return "forecast"
        if role != "completion":  # 完成年度计划的112%: a result measured against a plan
            if self._target_sentence.search(_TITLE.sub("", scan[sentence_start:cand.qual_start])):
                return "target"
            from_value = scan[max(0, cand.qual_start - 1):cand.qual_start] == "由"
            if self._target.search(_TITLE.sub("", clause)) and not from_value:
                return "target"
        return "target" if kind == "plans" else "actual"

    def _period(self, scan: str, periods: list[tuple[int, int]], period_starts: list[int], cand: _Candidate,
                sentence_start: int, previous_sentence_start: int) -> tuple[str | None, int]:
        """The last time phrase before the figure in its sentence, or in the sentence before where this one
        goes on with it (其中，…)."""
        if scan[sentence_start:cand.qual_start].lstrip().startswith(self._continues):
            sentence_start = previous_sentence_start
        i = bisect.bisect_right(period_starts, cand.qual_start) - 1
        while i >= 0:
            start, end = periods[i]
            if start < sentence_start:
                return None, 0
            if end <= cand.qual_start:
                return scan[start:end], start
            i -= 1
        return None, 0

    def _period_year(self, period: str | None, doc: Document, section: Section | None) -> int | None:
        """The year a figure is for: its period's, else the nearest section title's (七、2023年工作计划),
        else the document's."""
        year = doc.year
        while section is not None and not period:
            m = _YEAR.search(section.title)
            if m:
                return int(m.group(1))
            section = doc.sections[section.parent] if section.parent is not None else None
        if period:
            m = _YEAR.match(period)
            if m:
                return int(m.group(1))
            if year and period.startswith("去年"):
                return year - 1
            if year and period.startswith("明年"):
                return year + 1
        return year


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _number(num: str) -> float | None:
    if not num or "*" in num:
        return None
    if num[0].isdigit() or num[0] == "-":
        return float(num.replace(",", "").replace("，", ""))
    return chinese_value(num)


def _framing_period(doc: Document, scan: str, frames: list[tuple[int, int]], at: int,
                    section: Section | None) -> tuple[str | None, int]:
    """The time phrase that opens the paragraph of `at` (2022年，园区…。…), where it opens the same unit
    of the outline (an inline 一是… opens a unit of its own): it frames the paragraph's figures."""
    k = bisect.bisect_right(frames, (at, at)) - 1
    if k < 0:
        return None, 0
    start, end = frames[k]
    if "\n" in scan[start:at] or doc.section_at(doc.text_offset(start)) is not section:
        return None, 0
    return scan[start:end], start


def _last_before(positions: list[int], offset: int, floor: int) -> int:
    """The last position before `offset`, or floor - 1."""
    i = bisect.bisect_left(positions, offset) - 1
    return positions[i] if i >= 0 and positions[i] >= floor else floor - 1


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of `spans` (sorted, not overlapping each other)."""
    i = bisect.bisect_left(spans, (end,))
    return i > 0 and spans[i - 1][1] > start


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _drop_overlaps(cands: list[_Candidate]) -> list[_Candidate]:
    kept: list[_Candidate] = []
    for cand in cands:
        if kept and cand.start < kept[-1].end:
            continue
        kept.append(cand)
    return kept


_DOUBLE_QUOTES = {"“": "”"}  # a Chinese numeral inside them is a slogan: “三天三检三不”
_TITLE = regex.compile(r"《[^》\n]*》")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})年?")


def _title_spans(scan: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TITLE.finditer(scan)]


def _written_phrase(doc: Document, scan: str, phrase: str | None, phrase_start: int, cand: _Candidate,
                    post_end: int) -> str | None:
    """`phrase` of the view as the text writes it: found before the figure, or split into the part before
    it and the noun after its unit (签约引进**个|项目); None where the phrase is not the figure's own."""
    if not phrase:
        return None
    for cut in range(len(phrase), 0, -1):
        own, post = phrase[:cut], phrase[cut:]
        at = scan.rfind(own, phrase_start, cand.qual_start)
        after = scan.find(post, cand.consumed_end, post_end) if post else cand.consumed_end
        if at >= 0 and after >= 0:
            return doc.written(at, at + len(own)) + (doc.written(after, after + len(post)) if post else "")
    return None
