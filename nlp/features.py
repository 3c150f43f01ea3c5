"""What the rules see in a normalised message: keyword hits per category and cue hits."""

from __future__ import annotations

from dataclasses import dataclass, field

from nlp.lexicon import Lexicon


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

    @property
    def cue_words(self) -> list[str]:
        """Every cue word found, strongest first: category keywords, then complaint/chatter cues."""
        best = max(self.category_scores, key=self.category_scores.get, default=None)
        words = [w for w, _ in self.category_hits.get(best, [])] if best else []
        words += self.complaint_hits
        for hits in self.chatter_hits.values():
            words += hits
        return words


def negated(text: str, start: int, negations: tuple[str, ...], window: int) -> bool:
    """True when a negation word ends within `window` chars before position `start`."""
    left = text[max(0, start - window) : start]
    return any(n in left for n in negations)


def _followed(text: str, end: int, words: tuple[str, ...], window: int) -> bool:
    """True when one of `words` starts within `window` chars after position `end`."""
    right = text[end : end + window + 3]
    return any(right.find(w) in range(0, window) for w in words)


def _imagined(text: str, start: int, end: int, ctx) -> bool:
    """A danger word in a fear, a comparison or a question, not a danger seen now."""
    return (
        negated(text, start, ctx.hypothetical, ctx.window)
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


def analyse(text: str, tokens: list[str], lex: Lexicon, model_text: str = "") -> Analysis:
    """Run every word list of `lex` over the normalised `text`."""
    a = Analysis(text, tokens, model_text or text)
    _collect(a, lex)
    a.ticket_hits = [m.group(0) for p in lex.ticket_patterns if (m := p.search(text))]
    a.category_scores = {c: _score(h) for c, h in a.category_hits.items()}
    a.status_score = lex.status_cues.weight * min(len(a.status_hits), 2)
    a.rule_score = _rule_score(a, lex)
    return a


def _collect(a: Analysis, lex: Lexicon) -> None:
    """One scan of the word index, then the few regex patterns, sorted into `a`."""
    ctx = lex.context
    negations, window, asking = ctx.negations, ctx.window, ctx.asking
    again = ctx.again
    served, earlier = ctx.served, ctx.earlier
    cues: dict[str, list[str]] = {}
    for pos, word, (kind, name, weight) in lex.index.scan(a.text):
        if kind == "kw":
            hits = a.category_hits.setdefault(name, [])
            if (word, weight) not in hits and not negated(a.text, pos, negations, window):
                hits.append((word, weight))
        elif name == "solved" and (
            _asks(a.text, pos + len(word), asking) or _asks(a.text, pos + len(word), again)
        ):
            continue  # "拆了没" asks whether it is solved, "拆了又盖" says it came back
        elif name == "notice" and negated(a.text, pos, served, window):
            continue  # "已张贴清理通知": a notice served on the offender, not a notice post
        elif name == "complaint" and word in earlier and _asks(a.text, pos + len(word), "的过"):
            continue  # "本月8日上报的": names an earlier report, asks for no action now
        elif name == "urgent" and _imagined(a.text, pos, pos + len(word), ctx):
            continue  # "万一着火", "着火了怎么办", "跟着火了似的", "着火了吗": no danger seen
        elif word not in cues.setdefault(name, []):
            cues[name].append(word)
    for group in lex.cue_groups:
        found = cues.get(group.name, []) + group.pattern_hits(a.text)
        if group is lex.urgent_cues:  # patterns too: "万一狗咬人怎么办" is a fear
            found = [h for h in found if not _imagined_hit(a.text, h, ctx)]
        if group is lex.complaint_cues:
            a.complaint_hits = found
        elif group is lex.urgent_cues:
            a.urgent_hits = found
        elif group is lex.status_cues:
            a.status_hits = found
        elif found:
            a.chatter_hits[group.name] = found
    a.category_hits = {c: h for c, h in a.category_hits.items() if h}


def _score(hits: list[tuple[str, float]]) -> float:
    """Category score: the best keyword plus half of the rest, so piles of weak words stay weak."""
    weights = sorted((w for _, w in hits), reverse=True)
    return weights[0] + 0.5 * sum(weights[1:3]) if weights else 0.0


def _rule_score(a: Analysis, lex: Lexicon) -> float:
    """Complaint evidence minus chatter evidence."""
    best = min(max(a.category_scores.values(), default=0.0), 5.0)
    score = best + lex.complaint_cues.weight * min(len(a.complaint_hits), 3)
    weights = lex.chatter_weights
    score += sum(weights[name] for name in a.chatter_hits)
    return score
