"""A small lexicon-based sentiment scorer (no third-party packages).

How a text is scored:
- each token found in the lexicon contributes its valence (-4 .. +4);
- a degree word right before it ("very", "slightly", "kind of") scales it;
- a negation within the three tokens before it ("not", "never", "isn't")
  flips it and weakens it (not great != terrible);
- an opinion word in ALL CAPS inside otherwise normal text counts more;
- after "but", the clause that follows weighs more than the one before;
- exclamation marks push the total further the way it already leans.
The sum is squashed into [-1, 1]: `score = s / sqrt(s*s + ALPHA)`.
"""

import math
import re
from dataclasses import dataclass, field

from lexicon import BOOSTERS, NEGATIONS, VALENCE

ALPHA = 15.0
NEGATION_FACTOR = -0.74
CAPS_BOOST = 0.7
NEGATION_WINDOW = 3

_TOKEN = re.compile(r">:\(|:'\(|[:;]-?[()dp/]|<3|[^\W_]+(?:'[^\W_]+)?|[^\w\s]", re.UNICODE)
_BIGRAM_DAMPENERS = {("kind", "of"): -0.25, ("sort", "of"): -0.25, ("a", "bit"): -0.25, ("a", "little"): -0.2}


@dataclass
class Sentiment:
    score: float
    label: str
    positive: int
    negative: int
    tokens: int
    matches: list = field(default_factory=list)

    def as_dict(self, explain: bool) -> dict:
        out = {
            "score": round(self.score, 4),
            "label": self.label,
            "positive": self.positive,
            "negative": self.negative,
            "tokens": self.tokens,
        }
        if explain:
            out["matches"] = self.matches
        return out


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.replace("\u2019", "'"))


def _lookup(word: str) -> float | None:
    v = VALENCE.get(word)
    if v is None and len(word) > 3:
        # plain plurals and -ly adverbs of listed words ("bugs", "happily" via "happy")
        if word.endswith("s"):
            v = VALENCE.get(word[:-1])
        elif word.endswith("ily"):
            v = VALENCE.get(word[:-3] + "y")
        elif word.endswith("ly"):
            v = VALENCE.get(word[:-2])
    return v


def _normalise(token: str) -> str:
    return token.lower().replace("n't", "nt").replace("'", "")


def score(text: str, threshold: float = 0.05) -> Sentiment:
    raw = tokenize(text)
    words = [_normalise(t) for t in raw]
    letters = [t for t in raw if t.isalpha()]
    shouting_allowed = any(not t.isupper() for t in letters)  # caps only stand out in mixed-case text

    valences: list[float] = []
    matches: list[dict] = []
    but_at = -1
    for i, (tok, w) in enumerate(zip(raw, words)):
        if w == "but":
            but_at = len(valences)
        v = _lookup(w)
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if v is None or (w in BOOSTERS and _lookup(nxt) is not None) or (w, nxt) in _BIGRAM_DAMPENERS:
            continue
        v = _modified(v, i, raw, words, shouting_allowed)
        valences.append(v)
        matches.append({"word": tok, "valence": round(v, 3)})

    if but_at >= 0:
        valences = [v * 0.5 for v in valences[:but_at]] + [v * 1.5 for v in valences[but_at:]]
    total = sum(valences)
    if total:
        total += math.copysign(min(text.count("!"), 3) * 0.25, total)
    compound = total / math.sqrt(total * total + ALPHA) if total else 0.0
    label = "positive" if compound >= threshold else "negative" if compound <= -threshold else "neutral"
    return Sentiment(
        score=compound,
        label=label,
        positive=sum(1 for v in valences if v > 0),
        negative=sum(1 for v in valences if v < 0),
        tokens=len(letters),
        matches=matches,
    )


def _modified(v: float, i: int, raw: list[str], words: list[str], shouting_allowed: bool) -> float:
    if shouting_allowed and raw[i].isupper() and len(raw[i]) > 1:
        v += math.copysign(CAPS_BOOST, v)
    if i >= 1:
        boost = BOOSTERS.get(words[i - 1], 0.0)
        if i >= 2:
            boost = _BIGRAM_DAMPENERS.get((words[i - 2], words[i - 1]), boost)
        v += v * boost
    if raw[i][0].isalpha() and _negated(words, i):
        v *= NEGATION_FACTOR
    return v


def _negated(words: list[str], i: int) -> bool:
    """A negation among the few words before `i`, not looking past punctuation."""
    for w in reversed(words[max(0, i - NEGATION_WINDOW) : i]):
        if not w[0].isalnum():
            return False
        if w in NEGATIONS or (w.endswith("nt") and w[:-2] in _AUX):
            return True
    return False


_AUX = frozenset("do does did is are was were wo would should could has have had ai ca must need".split())
