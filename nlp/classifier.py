"""Complaint, status query or chatter; category, urgency, community and place of a group message."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import NamedTuple

from nlp.addresses import ProblemWords
from nlp.features import Analysis, analyse, head_end
from nlp.lexicon import Lexicon
from nlp.model import IntentCategoryModel, load_default_model
from nlp.normalize import Normalized, Normalizer
from nlp.places import CommunityFinder, canonical_place, find_place
from nlp.segment import Segmenter
from nlp.similarity import dice

CONTRACT_FIELDS = ("intent", "category", "urgent", "community", "place")
PACKAGED = "packaged"
_DIGITS = re.compile(r"\d+")
COMMUNITY_TOKEN = "<小区>"


@dataclass(frozen=True, repr=False)
class Classification:
    """What the classifier says about one message; `evidence` names the words that drove it.

    `place` and `evidence` are worked out when first read: only a complaint needs them (for its
    ticket), most group messages are not complaints, and together they cost a fifth of a reading.
    """

    intent: str
    category: str | None
    urgent: bool
    community: str | None
    confidence: float
    ask: bool = False
    find_place: Callable[[], str | None] = field(default=lambda: None, repr=False, compare=False)
    explain: Callable[[], tuple[str, ...]] = field(default=tuple, repr=False, compare=False)

    @cached_property
    def place(self) -> str | None:
        """Where the problem is: an exact substring of the message, or None."""
        return self.find_place()

    @cached_property
    def evidence(self) -> tuple[str, ...]:
        """The words and cues that pushed the decision."""
        return self.explain()

    def as_dict(self) -> dict:
        """The contract fields (intent, category, urgent, community, place)."""
        return {k: getattr(self, k) for k in CONTRACT_FIELDS}

    def __repr__(self) -> str:
        fields = (*CONTRACT_FIELDS, "confidence", "evidence", "ask")
        return f"Classification({', '.join(f'{k}={getattr(self, k)!r}' for k in fields)})"


class _Decision(NamedTuple):
    """Intent-level outcome before the fields are assembled (a tuple: made once per message);
    the features and the runner-up are kept to explain it if asked (see `_evidence`)."""

    intent: str
    p_complaint: float
    category: str | None
    rule_evidence: tuple[str, ...] = ()  # without a model: the rules' words
    runner: str = ""
    feats: Mapping[str, float] | None = None
    intent_feats: Mapping[str, float] | None = None
    p_cat: Mapping[str, float] | None = None


class Classifier:
    """Rules and keyword weights from the Lexicon, refined by the packaged linear model if any."""

    def __init__(self, lexicon: Lexicon, model: IntentCategoryModel | None | str = PACKAGED):
        self.lex = lexicon
        self.normalize = Normalizer(lexicon.typos, lexicon.bot_names)
        self.communities = CommunityFinder(lexicon.communities)
        self.segmenter = Segmenter(self._user_words(), str(lexicon.setting("segmenter", "auto")))
        self.model = load_default_model() if model == PACKAGED else model
        self.roads = tuple(w.lower() for w in lexicon.roads)
        self.known_estates = frozenset(self.communities.surface)
        self.problem_words = ProblemWords(lexicon.problem_words, lexicon.out_of_scope_words)
        self._community_mask = dict.fromkeys(self.communities.surface, COMMUNITY_TOKEN)
        # Chatter groups that do not overrule a standard term (they name a subject, not a verdict).
        # Chatter groups that end a complaint without a request or harm word (solved, elsewhere).
        self.verdicts = frozenset(
            lexicon.setting("chatter_verdicts", ("solved", "elsewhere", "sale", "lost_found"))
        )
        self.soft_chatter = frozenset(
            lexicon.setting("soft_chatter", ("non_urban", "out_of_scope"))
        )
        # Chatter groups that decide alone (a department reporting back on a ticket).
        self.decisive = frozenset(lexicon.setting("decisive_chatter", ()) or ())
        self.decisive_unless_ticket = frozenset(lexicon.setting("decisive_unless_ticket", ()) or ())
        self.stopwords = frozenset(lexicon.stopwords)
        self.min_complaint = float(lexicon.setting("complaint_min_probability", 0.6))
        self.threshold = float(lexicon.setting("complaint_threshold", 2.0))
        self.fire_lane_weight = float(lexicon.setting("fire_lane_weight", 3.5))
        self.rule_weight = float(lexicon.setting("rule_weight", 1.0))
        self.model_weight = float(lexicon.setting("category_model_weight", 2.0))
        self.min_evidence = float(lexicon.setting("min_evidence", 1.5))
        self.strong_evidence = float(lexicon.setting("strong_evidence", 3.0))
        self.body_evidence = float(lexicon.setting("body_out_of_scope_evidence", 2.0))
        self.asking_words = tuple(lexicon.setting("status_asking_words", ()) or ())
        self.sure_evidence = float(lexicon.setting("sure_evidence", 1.5))
        self.standard_min_p = float(lexicon.setting("standard_term_min_probability", 0.0))
        self.long_chars = int(lexicon.setting("long_message_chars", 120))
        self.head_min = int(lexicon.setting("head_min_chars", 30))
        self.ask_band = (
            float(lexicon.setting("ask_low", 0.3)),
            float(lexicon.setting("ask_high", 0.7)),
        )

    def _user_words(self) -> list[str]:
        """Community names and aliases, place words and category keywords for jieba."""
        words = list(self.communities.words()) + list(self.lex.user_words)
        for cat in self.lex.categories.values():
            words += list(cat.keywords)
        return words

    def analyse(self, text: str) -> tuple[Normalized, list[str], Analysis]:
        """Normalise, segment and run the word lists; the input of rules and model alike."""
        norm = self.normalize(text or "")
        tokens = self.segmenter.cut(norm.text)
        head = head_end(norm.text, self.long_chars, self.head_min)
        # Community names become one token and numbers 0, so the model learns neither; of a long
        # text the model reads the head as any message and the body apart (model.features), so
        # length does not drown the subject and a post opening with greetings is still read.
        read = tokens if head == len(norm.text) else _head_tokens(norm.text, tokens, head)
        model_text = _DIGITS.sub("0", norm.text[:head])
        if model_text == norm.text[:head]:  # no digits: only names to mask (a C-level map)
            masked = list(map(self._community_mask.get, read, read))
        else:
            masked = self._model_tokens(read)
        a = analyse(norm.text, masked, self.lex, model_text, head)
        a.tail = self._model_tokens(tokens[len(read) :])
        return norm, tokens, a

    def _model_tokens(self, tokens: list[str]) -> list[str]:
        """Tokens as the model reads them: community names masked, runs of digits as 0."""
        surface = self.communities.surface
        return [
            COMMUNITY_TOKEN if t in surface else t if t.isalpha() else _fold_digits(t)
            for t in tokens
        ]

    def classify(self, text: str, group: str | None = None) -> Classification:
        """Classify one group message; `group` is the community of the group it was posted in."""
        norm, tokens, a = self.analyse(text)
        d = self._decide(a)
        low, high = self.ask_band
        return Classification(
            intent=d.intent,
            category=d.category,
            urgent=d.intent == "complaint" and self._urgent(a, d.category),
            community=self.communities.find(tokens),
            confidence=round(d.p_complaint, 3),
            # A status query naming no report or ticket is the model unsure too: ask.
            ask=(d.intent != "status_query" or not (a.status_hits or a.ticket_hits))
            and low <= d.p_complaint <= high,
            find_place=partial(
                find_place,
                norm,
                tokens,
                self.roads,
                bare=d.intent == "complaint",
                head=a.head_end,
                known=self.known_estates,
                problems=self.problem_words,
            ),
            explain=partial(self._evidence, a, d),
        )

    def _decide(self, a: Analysis) -> _Decision:
        """Intent, complaint probability, category and evidence: model if trained, else rules."""
        if self.model is None:
            return self._decide_by_rules(a)
        p_intent, feats, intent_feats = self.model.predict(a, {"complaint": self._rule_vote(a)})
        intent, runner = sorted(p_intent, key=p_intent.get, reverse=True)[:2]
        forced = self._forced(a)
        if forced:  # a ticket asked about, or a report back: whatever the model thinks
            intent, runner = forced, intent if intent != forced else runner
        elif intent == "status_query" and not a.status_hits:
            # A status query refers to an earlier report; with no such word it is something else.
            intent, runner = runner, intent
        if intent == "complaint" and p_intent["complaint"] < self.min_complaint:
            intent, runner = runner, intent  # unsure: the bot asks (see `ask`) rather than files
        p_complaint = p_intent["complaint"]
        modelled = intent
        intent, runner = self._in_scope(a, intent, runner, p_complaint)
        weak = 0 < a.evidence_score < self.sure_evidence
        if weak and (intent == "complaint" or modelled == "complaint" == runner):
            # Only weak in-scope words (好像有人在搭东西): ask the sender rather than file or drop.
            p_complaint = min(p_complaint, self.ask_band[1])
        category = p_cat = None
        if intent == "complaint":
            p_cat = self.model.category(feats)
            category = self._rule_override(a) or self._best_category(a, p_cat)
        return _Decision(intent, p_complaint, category, (), runner, feats, intent_feats, p_cat)

    def _evidence(self, a: Analysis, d: _Decision) -> tuple[str, ...]:
        """The words behind a decision: ticket numbers, then the words and cues the model weighed
        most for the intent and the category (bigrams carry weight but explain nothing)."""
        if d.intent_feats is None:
            return d.rule_evidence
        names = self.model.intent_model.explain(d.intent_feats, d.intent, d.runner, n=8)
        evidence = a.ticket_hits + self._readable(a, names)[:5]
        if d.category is not None:
            evidence += self._category_evidence(a, d.category)
            second = max((c for c in d.p_cat if c != d.category), key=d.p_cat.get)
            names = self.model.category_model.explain(d.feats, d.category, second, n=5)
            evidence += self._readable(a, names)[:3]
        return tuple(dict.fromkeys(evidence))

    def _in_scope(
        self, a: Analysis, intent: str, runner: str, p_complaint: float
    ) -> tuple[str, str]:
        """The model weighs, the evidence decides: no in-scope words, no complaint.

        A complaint needs a keyword score of `min_evidence`; an out-of-scope matter (a bank, a
        school, a bus) needs `strong_evidence` or a standard term. A standard term, or a status
        cue beside words saying the problem goes on (多次反映, 至今未解决), makes a complaint
        unless a chatter cue says otherwise.
        """
        if self._forced(a):
            return intent, runner
        score = a.evidence_score
        strong = score >= self.strong_evidence or bool(a.standard_hits)
        if intent == "complaint":
            if score < self.min_evidence or self._off_subject(a, strong):
                return "chatter", intent
            if len(a.status_hits) >= 2 and not (a.complaint_hits or a.ongoing_hits):
                # It asks about an earlier report and reports nothing anew.
                return "status_query", intent
            if self.verdicts.intersection(a.chatter_hits) and not (
                a.complaint_hits or a.ongoing_hits
            ):
                return "chatter", intent  # 终于没有夜间施工了, 老家到处都是违建: not a case here
            return intent, runner
        if a.board_post:
            return self._board_post(a, intent, runner, strong)
        decisive = [g for g in a.chatter_hits if g not in self.soft_chatter]
        if intent == "chatter" and a.status_hits and not decisive and self._asks_after_report(a):
            return "status_query", intent  # 物业说已经上报了，城管知道了吗
        if decisive or "?" in a.text[: a.head_end] or score < self.min_evidence:
            return intent, runner
        if intent == "status_query":
            # 多次反映, 至今未解决: the problem goes on, so this reports it anew; unless it asks why
            # nothing happened (怎么一直没人来, 到底还处理不处理): that asks after the report.
            asks = any(w in a.text for w in self.asking_words)
            return ("complaint", intent) if a.ongoing_hits and not asks else (intent, runner)
        # A standard term with no chatter cue and no question: a report, however it is worded.
        if a.standard_hits and not a.out_of_scope and p_complaint >= self.standard_min_p:
            return "complaint", intent
        return intent, runner

    def _off_subject(self, a: Analysis, strong: bool) -> bool:
        """An out-of-scope subject without strong in-scope evidence; one named only after the head
        of a long post needs less (`body_out_of_scope_evidence`): it may be a side remark."""
        if a.out_of_scope:
            return not strong
        return a.body_out_of_scope and a.evidence_score < self.body_evidence

    def _forced(self, a: Analysis) -> str | None:
        """Chatter for a report back (交警来电反馈), a status query for a ticket in the head,
        chatter for a consultation (市民来电咨询) about no ticket."""
        if self.decisive.intersection(a.chatter_hits):
            return "chatter"
        if a.ticket_hits:
            return "status_query"
        return "chatter" if self.decisive_unless_ticket.intersection(a.chatter_hits) else None

    def _board_post(self, a: Analysis, intent: str, runner: str, strong: bool) -> tuple[str, str]:
        """A long post the model did not call a complaint: its subject line decides.

        Rhetorical questions (到底管不管?) make no status query without two status cues; a
        subject line naming an in-scope problem strongly, or a standard term anywhere, makes a
        complaint unless a verdict (solved, elsewhere, a sale) says otherwise. Petition words,
        thanks and cited rules do not veto it.
        """
        if intent == "status_query" and (len(a.status_hits) < 2 or a.out_of_scope):
            intent, runner = "chatter", intent
        if intent == "status_query":
            return intent, runner
        if self.verdicts.intersection(a.chatter_hits) and not a.ongoing_hits:
            return intent, runner  # solved, elsewhere: unless it came back (卷土重来, 至今)
        if self._off_subject(a, strong):
            return intent, runner  # 电动车被偷: a police matter however often the title names it
        if a.title_score >= self.strong_evidence or (a.standard_hits and strong):
            return "complaint", intent
        return intent, runner

    def _asks_after_report(self, a: Analysis) -> bool:
        """A status pattern (an earlier report asked about) in a question, not a status word."""
        asked = "?" in a.text or a.text.endswith(("吗", "没", "呢"))
        return asked and any(p.search(a.text) for p in self.lex.status_cues.patterns)

    def _readable(self, a: Analysis, names: list[str]) -> list[str]:
        """Feature names as words a reader can check: cue flags become the words that fired."""
        out: list[str] = []
        for name in names:
            if name.startswith(("bw:", "b#")):
                name = name[1:]  # a board post's own copy of the feature
            if name.startswith("w:"):
                if name[2:] not in self.stopwords:
                    out.append(name[2:])
            elif name.startswith("#kw:"):
                out += [w for w, _ in a.category_hits.get(name[4:], ())][:2]
            elif name[1:] in a.chatter_hits:
                out += a.chatter_hits[name[1:]][:2]
            elif name == "#status":
                out += a.status_hits[:2]
            elif name == "#complaint":
                out += a.complaint_hits[:2]
            elif name == "#urgent":
                out += a.urgent_hits[:2]
            elif name == "#question":
                out.append("?")
        return list(dict.fromkeys(out))

    def _rule_vote(self, a: Analysis) -> float:
        """The rules' complaint margin, bounded and weighted, for the model's complaint score."""
        margin = a.rule_score - self.threshold
        return self.rule_weight * max(-4.0, min(4.0, margin))

    def _decide_by_rules(self, a: Analysis) -> _Decision:
        """The keyword-and-cue fallback used when no model has been trained."""
        score = a.rule_score - self.threshold
        if a.status_hits and a.status_score >= max(3.0, a.rule_score):
            return _Decision("status_query", _sigmoid(score), None, tuple(a.status_hits))
        if score < 0:
            return _Decision("chatter", _sigmoid(score), None, tuple(a.cue_words))
        category = self._rule_override(a) or max(
            a.category_scores, key=a.category_scores.get, default="other"
        )
        evidence = tuple(a.cue_words) + self._category_evidence(a, category)
        return _Decision("complaint", _sigmoid(score), category, tuple(dict.fromkeys(evidence)))

    def _best_category(self, a: Analysis, p_cat: dict[str, float]) -> str:
        """Keyword score plus the model's probability scaled by `category_model_weight`.

        Only categories some keyword names are candidates: the model ranks, it does not invent.
        """
        weight = self.model_weight
        named = [c for c in p_cat if c in a.category_scores] or list(p_cat)
        best = max(named, key=lambda c: a.category_scores.get(c, 0.0) + weight * p_cat[c])
        return self._redirect(a, best)

    def _redirect(self, a: Analysis, category: str) -> str:
        """Config `redirects`: a category named only by words in another sense goes elsewhere."""
        hits = a.category_hits.get(category)
        for r in self.lex.redirects:
            if r.source == category and hits and all(w in r.only for w, _ in hits):
                if not any(w in a.text for w in r.unless) and (
                    not r.when or any(w in a.text for w in r.when)
                ):
                    return r.to
        return category

    def _rule_override(self, a: Analysis) -> str | None:
        """A named fire lane (a keyword of weight >= fire_lane_weight) wins over every category."""
        hits = a.category_hits.get("fire_lane_blocked", ())
        return "fire_lane_blocked" if any(w >= self.fire_lane_weight for _, w in hits) else None

    def _urgent(self, a: Analysis, category: str | None) -> bool:
        """Urgent by category default, or because someone is in danger now."""
        cat = self.lex.categories.get(category or "")
        return bool(a.urgent_hits) or bool(cat and cat.urgent)

    @staticmethod
    def _category_evidence(a: Analysis, category: str | None) -> tuple[str, ...]:
        """Configured keywords that named the category."""
        return tuple(w for w, _ in a.category_hits.get(category or "", ()))

    def similarity(self, a: str, b: str) -> float:
        """0..1 text similarity (character-bigram Dice on normalised text)."""
        return dice(self.normalize(a or "").text, self.normalize(b or "").text)

    def same_place(self, a: str | None, b: str | None) -> bool:
        """True when two place strings name the same spot (3号楼 == 3#楼 == 三号楼)."""
        if not a or not b:
            return False
        return canonical_place(a, self.normalize) == canonical_place(b, self.normalize)


def _head_tokens(text: str, tokens: list[str], head: int) -> list[str]:
    """The tokens that lie in text[:head] (tokens are in order; whitespace was dropped)."""
    out, pos = [], 0
    for tok in tokens:
        pos = text.find(tok, pos) + len(tok)
        if pos > head:
            break
        out.append(tok)
    return out


def _fold_digits(token: str) -> str:
    """`token` with each run of digits as 0 (a number or a punctuation mark: skip the regex)."""
    if token.isdecimal():
        return "0"
    return token if len(token) == 1 else _DIGITS.sub("0", token)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))
