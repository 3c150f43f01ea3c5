"""What the rules see in a normalised message: keyword hits per category and cue hits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain

from nlp.lexicon import OUT_OF_SCOPE, Lexicon

# Cue groups read in the whole of a long text; chatter verdicts and out-of-scope subjects are
# read in its head only (a post about a 违建 that mentions the 物业费 on the way is about the 违建).
_ANYWHERE = frozenset({"complaint", "urgent", "status"})
# Sentence ends in normalised text (full-width punctuation is half-width there; 。 stays).
_SENTENCE_END = re.compile(r"[。!?;\n]")


@dataclass
class Analysis:
    """Hits of every word list on one normalised message, plus the rule score."""

    text: str
    tokens: list[str]
    model_text: str = ""  # text with digits folded to 0, for the learned model
    category_hits: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    category_scores: dict[str, float] = field(default_factory=dict)
    complaint_hits: list[str] = field(default_factory=list)
    urgent_hits: list[str] = field(default_factory=list)
    status_hits: list[str] = field(default_factory=list)
    ticket_hits: list[str] = field(default_factory=list)
    chatter_hits: dict[str, list[str]] = field(default_factory=dict)
    status_score: float = 0.0
    rule_score: float = 0.0
    head_end: int = 0  # end of the subject line and first sentence (the whole of a short text)
    standard_hits: list[tuple[str, str]] = field(default_factory=list)  # (term, category)
    title_score: float = 0.0  # best category score from the subject line of a long post alone
    ongoing_hits: list[str] = field(default_factory=list)
    body_out_of_scope: bool = False  # an out-of-scope word after the head of a long text
    tail: list[str] = field(default_factory=list)  # model tokens after the head of a long text

    @property
    def evidence_score(self) -> float:
        """The best category's keyword score: how much in-scope evidence the text holds."""
        return max(self.category_scores.values(), default=0.0)

    @property
    def board_post(self) -> bool:
        """A board post or hotline record (a long or titled text), read head first."""
        return self.head_end < len(self.text) or "\n" in self.text

    @property
    def out_of_scope(self) -> bool:
        """True when the text names a government matter outside urban management."""
        return OUT_OF_SCOPE in self.chatter_hits

    @property
    def cue_words(self) -> list[str]:
        """Every cue word found, strongest first: category keywords, then complaint/chatter cues."""
        best = max(self.category_scores, key=self.category_scores.get, default=None)
        words = [w for w, _ in self.category_hits.get(best, [])] if best else []
        words += self.complaint_hits
        for hits in self.chatter_hits.values():
            words += hits
        return words


def negated(
    text: str, start: int, negation: re.Pattern, window: int, exceptions: tuple[str, ...] = ()
) -> bool:
    """True when a negation word (`negation`: any of them) ends within `window` chars before
    position `start`. A negation char inside one of `exceptions` (别墅, 特别, 没收) negates nothing.
    """
    lo = max(0, start - window)
    if negation.search(text, lo, start) is None:
        return False
    if exceptions:
        # Exception words may straddle the window's edges: mask them in a slightly wider slice.
        wide = max(0, lo - 2)
        seg = text[wide : start + 2]
        for e in exceptions:
            if e in seg:
                seg = seg.replace(e, "\0" * len(e))
        return negation.search(seg, lo - wide, start - wide) is not None
    return True


def _followed(text: str, end: int, words: tuple[str, ...], window: int) -> bool:
    """True when one of `words` starts within `window` chars after position `end`."""
    right = text[end : end + window + 3]
    return any(right.find(w) in range(0, window) for w in words)


def _inside(text: str, start: int, end: int, words: tuple[str, ...]) -> bool:
    """True when one of `words` covers text[start:end] (the hit is part of a longer word)."""
    for w in words:
        at = text.find(w, max(0, end - len(w)), start + len(w))
        if at != -1 and at <= start and at + len(w) >= end:
            return True
    return False


def _imagined(text: str, start: int, end: int, ctx) -> bool:
    """A danger word in a fear, a comparison or a question, not a danger seen now."""
    return (
        negated(text, start, ctx.hypothetical_re, ctx.window)
        or _followed(text, end, ctx.imagined, ctx.window)
        or _asks(text, end, "吗么")
    )


def _imagined_hit(text: str, hit: str, ctx) -> bool:
    """`_imagined` for a regex match, located by its first occurrence."""
    start = text.find(hit)
    return start >= 0 and _imagined(text, start, start + len(hit), ctx)


def _asks(text: str, end: int, asking: str) -> bool:
    """True when a question char follows within two chars (拆了没, 清理完了没有)."""
    return any(ch in asking for ch in text[end : end + 2])


def head_end(text: str, long_chars: int, min_chars: int) -> int:
    """End of the head of a long text: its subject line (if any) plus the first sentence.

    A text of at most `long_chars` chars is all head. The head is capped at `long_chars` chars
    after the subject line; the first sentence of a text without one is at least `min_chars`.
    """
    if len(text) <= long_chars:
        return len(text)
    newline = text.find("\n")
    start = newline + 1 if 0 <= newline < long_chars else 0
    m = _SENTENCE_END.search(text, start + (2 if start else min_chars))
    end = m.end() if m else len(text)
    return min(end, start + long_chars)


def analyse(
    text: str, tokens: list[str], lex: Lexicon, model_text: str = "", head: int | None = None
) -> Analysis:
    """Run every word list of `lex` over the normalised `text` (`head`: see `head_end`)."""
    a = Analysis(text, tokens, model_text or text, head_end=len(text) if head is None else head)
    weights = _collect(a, lex)
    a.category_scores = {c: _score(list(w.values())) for c, w in weights.items()}
    a.status_score = lex.status_cues.weight * min(len(a.status_hits), 2)
    a.rule_score = _rule_score(a, lex)
    return a


def _collect(a: Analysis, lex: Lexicon) -> dict[str, dict[str, float]]:
    """One scan of the word index, then the few regex patterns, sorted into `a`.

    Returns category -> keyword -> weight as scored (words after the head weigh less).
    """
    text = a.text
    ctx = lex.context
    negation, window, asking = ctx.negation_re, ctx.window, ctx.asking
    not_negations = ctx.not_negations
    again = ctx.again
    served, earlier = ctx.served_re, ctx.earlier
    cues: dict[str, list[str]] = {}
    kws: list[tuple[int, int, str, str, float]] = []
    senses: list[tuple[int, int]] = []
    for pos, word, (kind, name, weight) in lex.index.scan(text):
        if kind == "kw":
            if not negated(text, pos, negation, window, not_negations):
                kws.append((pos, pos + len(word), word, name, weight))
        elif kind == "sense":
            senses.append((pos, pos + len(word)))
        elif kind == "ongoing":
            a.ongoing_hits.append(word)
        elif name == "solved" and (
            _asks(text, pos + len(word), asking) or _asks(text, pos + len(word), again)
        ):
            continue  # "拆了没" asks whether it is solved, "拆了又盖" says it came back
        elif name == "notice" and negated(text, pos, served, window):
            continue  # "已张贴清理通知": a notice served on the offender, not a notice post
        elif name == "complaint" and word in earlier and _asks(text, pos + len(word), "的过"):
            continue  # "本月8日上报的": names an earlier report, asks for no action now
        elif name == "urgent" and _imagined(text, pos, pos + len(word), ctx):
            continue  # "万一着火", "着火了怎么办", "跟着火了似的", "着火了吗": no danger seen
        elif name in ctx.negatable and negated(text, pos, negation, window, not_negations):
            continue  # "没人认领": no one claimed it, so it is still there
        elif name == OUT_OF_SCOPE and _followed(text, pos + len(word), ctx.landmark, 1):
            continue  # "小学门口", "医院旁": a landmark that locates the problem, not the subject
        elif name == OUT_OF_SCOPE and _inside(text, pos, pos + len(word), ctx.senses):
            continue  # "乱停电动车" holds 停电, "电梯间" is a place: not the matter written of
        elif word not in cues.setdefault(name, []) and (pos < a.head_end or name in _ANYWHERE):
            cues[name].append(word)
        elif name == OUT_OF_SCOPE:
            a.body_out_of_scope = True
    head = text[: a.head_end]
    pattern_hits: dict[str, list[str]] = {}
    for regex, (kind, name, weight) in lex.patterns.candidates(text):
        if kind == "kw":
            m = regex.search(text)
            if m and not negated(text, m.start(), negation, window, not_negations):
                kws.append((m.start(), m.end(), m.group(), name, weight))
        elif kind == "ticket":
            # A ticket number asks about that ticket only in the head: in the body of a hotline
            # record it is the reference of an official answer quoted before reporting again.
            if m := regex.search(text, 0, a.head_end):
                a.ticket_hits.append(m.group(0))
        # In a long text the chatter verdicts (solved, thanks, notice) count in the head only:
        # a closing 感谢 or a cited rule does not veto the problem the subject line names.
        else:
            if (m := regex.search(text if name in _ANYWHERE else head)) and m.group(0):
                pattern_hits.setdefault(name, []).append(m.group(0))
            if name == OUT_OF_SCOPE and a.head_end < len(text) and regex.search(text[a.head_end :]):
                a.body_out_of_scope = True  # an out-of-scope subject after the head
    # Groups with a hit, in group order (the others leave the Analysis defaults: no hits).
    named = map(lex.cue_group_indexes.__getitem__, cues.keys() | pattern_hits.keys())
    for group in map(lex.cue_groups.__getitem__, sorted(chain.from_iterable(named))):
        found = cues.get(group.name, []) + pattern_hits.get(group.name, [])
        if group is lex.urgent_cues:  # patterns too: "万一狗咬人怎么办" is a fear
            found = [h for h in found if not _imagined_hit(text, h, ctx)]
        if group is lex.complaint_cues:
            a.complaint_hits = found
        elif group is lex.urgent_cues:
            a.urgent_hits = found
        elif group is lex.status_cues:
            a.status_hits = found
        elif found:
            a.chatter_hits[group.name] = found
    return _keywords(a, lex, kws, senses)


def _keywords(a: Analysis, lex: Lexicon, kws: list, senses: list) -> dict[str, dict[str, float]]:
    """Keep the keyword hits that are evidence; fill category and standard hits of `a`.

    A keyword inside a word in another sense (罚单, 汽车乱停) or inside a longer keyword of
    another category (占道 in 占道施工) is dropped: the longer reading wins.
    """
    tail = lex.context.tail
    weights: dict[str, dict[str, float]] = {}
    title_end = a.text.find("\n")  # a board post's subject line ends there (-1: no title)
    in_title: dict[str, dict[str, float]] = {}
    longer = _covered(kws, senses) if senses or len(kws) > 1 else ()
    for i, (start, end, word, code, weight) in enumerate(kws):
        if i in longer:
            continue
        hits = a.category_hits.setdefault(code, [])
        if (word, weight) not in hits:
            hits.append((word, weight))
            if word in lex.standard_terms:
                a.standard_hits.append((word, code))
        scored = weight if start < a.head_end else weight * tail
        if end <= title_end and word not in in_title.setdefault(code, {}):
            in_title[code][word] = weight  # each word once: a title repeating 电动车 is no stronger
        cat = weights.setdefault(code, {})
        cat[word] = max(cat.get(word, 0.0), scored)
    a.title_score = max((_score(list(w.values())) for w in in_title.values()), default=0.0)
    return weights


def _covered(kws: list, senses: list) -> set[int]:
    """Indexes of keyword hits inside a word in another sense or a longer other-category hit."""
    out = set()
    for i, (start, end, _, code, _) in enumerate(kws):
        for s, e in senses:
            if s <= start and end <= e:
                out.add(i)
        for s, e, _, c, _ in kws:
            if c != code and s <= start and end <= e and e - s > end - start:
                out.add(i)
    return out


def _score(weights: list[float]) -> float:
    """Category score: the best keyword plus half of the rest, so piles of weak words stay weak."""
    weights = sorted(weights, reverse=True)
    return weights[0] + 0.5 * sum(weights[1:3]) if weights else 0.0


def _rule_score(a: Analysis, lex: Lexicon) -> float:
    """Complaint evidence minus chatter evidence."""
    best = min(max(a.category_scores.values(), default=0.0), 5.0)
    score = best + lex.complaint_cues.weight * min(len(a.complaint_hits), 3)
    weights = lex.chatter_weights
    # Out of scope is a gate (see Classifier._in_scope), not a vote: a school gate can have a
    # street vendor.
    score += sum(weights[name] for name in a.chatter_hits if name != OUT_OF_SCOPE)
    return score
