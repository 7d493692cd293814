"""The Whoosh face of the Dutch analysis: turns search.analysis units into Whoosh tokens."""
from __future__ import annotations

from whoosh.analysis import Analyzer, Token

from search.analysis import INDEX, QUERY, DutchAnalysis, Unit


class WhooshDutchAnalyzer(Analyzer):
    """A Whoosh analyzer running the Dutch steps; picklable for the index schema."""

    def __init__(self, analysis: DutchAnalysis | None = None):
        self.analysis = analysis if analysis is not None else DutchAnalysis()

    def __getstate__(self) -> dict:
        return {"analysis": self.analysis}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self.analysis == other.analysis

    def units(self, text: str, *, mode: str = INDEX, removestops: bool = True) -> list[Unit]:
        return self.analysis.units(text, mode=mode, removestops=removestops)

    def terms(self, text: str, *, mode: str = INDEX) -> list[str]:
        return self.analysis.terms(text, mode=mode)

    def marked_words(self, text: str, terms) -> list[tuple[int, int, str]]:
        return self.analysis.marked_words(text, terms)

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
        start_pos=0, start_char=0, tokenize=True, mode="", **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh passes wildcard and prefix text this way: match it as typed.
            yield from _emit(token, [Unit(value.lower(), 0, len(value))], keeporiginal, value, start_pos, start_char)
            return
        units = self.units(value, mode=QUERY if mode == QUERY else INDEX, removestops=removestops)
        yield from _emit(token, units, keeporiginal, value, start_pos, start_char)


def _emit(token: Token, units: list[Unit], keeporiginal: bool, value: str, start_pos: int, start_char: int):
    """Yield one reused Token per term; extras share their word's position."""
    for pos, unit in enumerate(units, start_pos):
        for text in (unit.term, *unit.extras):
            token.text = text
            # Whoosh sums the boosts of a term's tokens into its posting weight, which BM25 reads as the
            # term's frequency: a compound's modifier counts less than a written word (search/analysis.py).
            token.boost = unit.weight(text)
            token.stopped = False
            if keeporiginal:
                token.original = value[unit.start : unit.end]
            if token.positions:
                token.pos = pos
            if token.chars:
                token.startchar = start_char + unit.start
                token.endchar = start_char + unit.end
            yield token


def whoosh_analyzer(thesaurus: dict | None = None, *, compounds: bool = True) -> WhooshDutchAnalyzer:
    """The Dutch analyzer as a Whoosh field needs it (thesaurus format: corpus/thesaurus.json)."""
    return WhooshDutchAnalyzer(DutchAnalysis(thesaurus, compounds=compounds))
