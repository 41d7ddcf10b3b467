"""Facts a post states in words: "$S$ is softmax function", "$g$ is the sigmoid function",
"where x is dimension (1x5)".

Contract: `prose_facts(text) -> ProseFacts`, a pure function of the document's text that
never raises. It reads only sentences of a fixed form, from tables of phrases kept as data
below, and nothing that is not clearly such a statement:

  - a FUNCTION statement: a math region holding one name, then (in the prose right after
    it) ``is``/``denotes`` [``the``/``a``/``an``] <a function phrase> [``function`` /
    ``activation`` / ``nonlinearity``]; or a math region holding one definition
    ``v = f(x)`` followed by such a sentence (``is shorthand for the logistic function``),
    which binds the applied name f. It binds the name to that function (`functions`:
    the name's keyword -> (canonical function word, the sentence, the phrase as written)). When the
    sentence goes on with ``:`` and a math region (the function's formula with a dummy
    argument, ``$$1/(1+exp(-x))$$``), that region is part of the sentence (`formulas`: its
    (start, end) offsets, its text between the delimiters, the function word), never a
    formula of the problem.
  - an ARBITRARY-FUNCTION statement: a math region holding one name (or the name with
    dummy arguments), then ``is``/``denotes`` [article] <adjectives> <noun>, where the
    adjectives include an ARBITRARY_WORDS word or the noun is a role (a loss, a cost, an
    activation): ``$f$ is arbitrary loss function``, ``$\\phi$ is a differentiable
    function``. `arbitrary`: the name's keyword -> (the kind the words say, "scalar" for a
    loss of its arguments, "entrywise" for an activation, or None; the sentence).
  - a MEMBER statement (`prose_members.py`): ``where $a_i^T$ is the $i$-th row of $A$``
    (`members`: the member's keyword -> the `MemberStatement`s made about it).
  - a SHAPE statement (`prose_shapes.py`): ``(where x is dimension (1x5), $W_1$ is (5x3))``,
    ``$X$ is an $m \times n$ input matrix``, ``$y$ is an $m$-dimensional vector``, ...
    (`shapes`: the name's keyword -> the `ShapeStatement`s made about it, in order; the
    lowerer refuses two that disagree).
  - a CONSTANT statement (`constants.py`): ``... + c, for some constant c``, ``where $c$
    is a constant`` after a formula, also one found without delimiters (`constants`: the
    name's keyword -> the `ConstantStatement`s made about it).
  - a SUM statement (`normalised.py`): ``where $y$ is one-hot``, ``$y$ is a probability
    vector`` (`normalised`: the name's keyword -> the `SumStatement`s made about it).

Two function statements that bind one name differently make the name unbound (the reader
then says it does not know it): a sentence is never picked over another.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import names
from ..errors import ParseError
from . import syntax as S
from .constants import named_constants
from .normalised import normalised_statements
from .normwords import frobenius_sentence
from .prose_members import member_statements
from .prose_shapes import lone_statement, shape_statements
from .scan import regions

# phrase (lower case, as written after "is [the]") -> the function word matcalc knows
FUNCTION_PHRASES = {
    "sigmoid": "sigma", "logistic": "sigma", "logistic sigmoid": "sigma",
    "softmax": "softmax", "soft-max": "softmax", "soft max": "softmax",
    "tanh": "tanh", "hyperbolic tangent": "tanh",
    "relu": "relu", "rectified linear": "relu", "rectified linear unit": "relu",
    "softplus": "softplus", "logsumexp": "logsumexp", "log-sum-exp": "logsumexp",
    # the standard normal CDF: one argument and no parameters named, so the standard one
    "cumulative normal distribution": "normcdf", "standard normal cdf": "normcdf",
    "normal cdf": "normcdf", "cumulative standard normal distribution": "normcdf",
    "standard normal cumulative distribution": "normcdf",
    "cumulative distribution function of the standard normal distribution": "normcdf",
    "cumulative distribution function of the standard normal": "normcdf",
    "standard normal distribution function": "normcdf",
    "normal cumulative distribution": "normcdf",
    # the gamma family (never "gamma" alone: "x is gamma distributed")
    "gamma function": "gamma", "euler gamma function": "gamma",
    "log-gamma function": "lgamma", "log gamma function": "lgamma", "lgamma": "lgamma",
    "logarithm of the gamma function": "lgamma", "log of the gamma function": "lgamma",
    "digamma": "digamma", "digamma function": "digamma", "psi function": "digamma",
    "logarithmic derivative of the gamma function": "digamma",
    "derivative of the log-gamma function": "digamma",
    "derivative of the log gamma function": "digamma",
    "trigamma": "trigamma", "trigamma function": "trigamma",
    # a function of two points written as its formula (PROSE_FORMULAS)
    "euclidean distance": "euclidean_distance", "euclidean distance function":
    "euclidean_distance",
}
# a function word that is no op but a formula of its arguments, in the placeholders A, B
# (replaced at once by the arguments' syntax): the word -> (its arguments, the formula)
PROSE_FORMULAS = {
    "euclidean_distance": (("A", "B"), r"\left\| A - B \right\|"),
}
# what a note says the phrase was read as, where the phrase alone does not say it
FUNCTION_MEANING = {
    "euclidean_distance": "d(a, b) = \\|a - b\\|, the 2-norm of the difference",
    "normcdf": "the standard normal CDF, (1 + erf(x/\\sqrt{2}))/2 (mean 0, variance 1: no "
               "parameters are written)",
    "digamma": "the digamma, \\psi(x) = \\Gamma'(x)/\\Gamma(x)",
    "lgamma": "log|\\Gamma(x)|, the log of \\Gamma(x) wherever \\Gamma(x) > 0",
}
# not in the table: "exponential" (an exponential function is any a e^{bx}), "linear",
# "Gaussian" -- words that name a family of functions, not one function
FUNCTION_NOUNS = ("function", "activation function", "activation", "nonlinearity",
                  "non-linearity")
_PHRASE = "|".join(sorted((re.escape(p) for p in FUNCTION_PHRASES), key=len, reverse=True))
_FUNCTION_SENTENCE = re.compile(
    r"\s*(?:is|denotes|represents|stands for|is (?:a\s+)?short(?:hand)? for)\s+"
    r"(?:the\s+|a\s+|an\s+)?(" + _PHRASE + r")"
    r"(?:\s+(?:" + "|".join(re.escape(n) for n in FUNCTION_NOUNS) + r"))?"
    r"(?![\w-])(\s*:\s*)?", re.IGNORECASE)
# "$f$ is an arbitrary loss function", "$\phi$ is a differentiable function applied
# elementwise": a function the text leaves arbitrary (`ops.opaque`). The words before the
# noun say it is arbitrary (ARBITRARY_WORDS), or the noun is a role no one function fills
# (a loss, a cost, an activation); KIND_WORDS anywhere in the phrase say whether it is a
# scalar function of its (array) arguments or applied entrywise.
ARBITRARY_WORDS = ("arbitrary", "generic", "any", "some", "general", "unknown", "unspecified",
                   "differentiable", "twice differentiable", "twice-differentiable", "smooth",
                   "given")
ARBITRARY_NOUNS = ("loss function", "cost function", "objective function", "loss",
                   "activation function", "activation", "nonlinearity", "non-linearity",
                   "function")
ROLE_NOUNS = ("loss function", "cost function", "objective function", "loss",
              "activation function", "activation", "nonlinearity", "non-linearity")
KIND_WORDS = {"loss": "scalar", "cost": "scalar", "objective": "scalar", "scalar": "scalar",
              "scalar-valued": "scalar", "real-valued": "scalar",
              "elementwise": "entrywise", "element-wise": "entrywise",
              "entrywise": "entrywise", "entry-wise": "entrywise",
              "componentwise": "entrywise", "activation": "entrywise",
              "nonlinearity": "entrywise", "non-linearity": "entrywise"}
_ADJECTIVE = r"(?:[A-Za-z][\w-]*)"
_ARBITRARY_SENTENCE = re.compile(
    r"\s*,?\s*(?:is|denotes|represents|stands for|be)\s+(?:an?\s+|the\s+|some\s+)?"
    r"((?:" + _ADJECTIVE + r"\s+){0,4}?)"
    r"(" + "|".join(re.escape(n) for n in ARBITRARY_NOUNS) + r")(?![\w-])"
    r"([^.;:$\n]{0,40})", re.IGNORECASE)
# a function's name written with dummy arguments, f(\cdot), f(x), f(\,\cdot\,), d(\cdot,\cdot)
_DUMMY = r"(?:\\[,;!]\s*)*(?:\\cdot|[a-z])\s*(?:\\[,;!]\s*)*"
_DUMMY_ARGUMENT = re.compile(r"^\s*(.+?)\s*(?:\\left)?\(\s*" + _DUMMY + r"(?:,\s*" + _DUMMY +
                             r")*(?:\\right)?\)\s*$")


@dataclass
class ProseFacts:
    functions: dict = field(default_factory=dict)   # keyword -> (word, sentence, phrase)
    formulas: list = field(default_factory=list)    # (start, end, formula, word)
    shapes: dict = field(default_factory=dict)      # keyword -> [ShapeStatement, ...]
    arbitrary: dict = field(default_factory=dict)   # keyword -> (kind or None, sentence)
    members: dict = field(default_factory=dict)     # keyword -> [MemberStatement, ...]
    constants: dict = field(default_factory=dict)   # keyword -> [ConstantStatement, ...]
    normalised: dict = field(default_factory=dict)  # keyword -> [SumStatement, ...]
    frobenius: list = field(default_factory=list)   # sentences: a bare matrix norm is _F


def _inner(text, r):
    """The text of region `r` between its delimiters."""
    body = text[r.start:r.end]
    for a, b in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if r.opener == a and body.startswith(a) and body.endswith(b):
            return body[len(a):len(body) - len(b)]
    return None


def _one_name(src: str):
    """The name (syntax) `src` is when it is one name and nothing else (``S``, ``g``,
    ``\\sigma``, ``h_\\theta``), else None."""
    st = lone_statement(src, S.Bare)
    e = st.value if st is not None else None
    if isinstance(e, S.Sym) or (isinstance(e, S.Sub) and isinstance(e.base, S.Sym)):
        return e
    return None


def _applied_name(src: str):
    """The function name `src` applies when it is one definition whose right side is one
    application of a name, ``\\textbf{s} = s(\\textbf{Xw})`` -> ``s`` (the sentence after it,
    "is shorthand for the logistic function", names that function), else None."""
    st = lone_statement(src, S.Def)
    value = st.value if st is not None else None
    if isinstance(value, S.Apply) and isinstance(value.func, S.Sym) and len(value.args) == 1:
        return value.func
    return None


def _arbitrary(prose):
    """(kind or None, end of the phrase) when `prose` (the text right after a math region)
    says the region's function is arbitrary (`_ARBITRARY_SENTENCE`), else None."""
    m = _ARBITRARY_SENTENCE.match(prose)
    if m is None:
        return None
    adjectives, noun = m.group(1).lower().split(), m.group(2).lower()
    said = " ".join(adjectives)
    if not (noun in ROLE_NOUNS or any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", said)
                                      for w in ARBITRARY_WORDS)):
        return None
    words = re.findall(r"[a-z][\w-]*", (said + " " + noun + " " + m.group(3)).lower())
    kinds = {KIND_WORDS[w] for w in words if w in KIND_WORDS}
    return (kinds.pop() if len(kinds) == 1 else None), m.end()


def prose_facts(text: str) -> ProseFacts:
    facts = ProseFacts()
    try:
        regs = [r for r in regions(text) if r.end is not None and r.opener]
    except ParseError:
        return facts
    bound: dict = {}
    for k, r in enumerate(regs):
        nxt = regs[k + 1].start if k + 1 < len(regs) else len(text)
        prose = text[r.end:nxt]
        inner = _inner(text, r)
        for said in named_constants(text, regs, k, _inner, _one_name):
            kw = names.keyword_of(said.name)
            if kw is not None:
                facts.constants.setdefault(kw, []).append(said)
        for said in normalised_statements(text, regs, k, _inner, _one_name):
            kw = names.keyword_of(said.name)
            if kw is not None:
                facts.normalised.setdefault(kw, []).append(said)
        if inner is None:
            continue
        said_norm = frobenius_sentence(inner, prose)
        if said_norm is not None:
            facts.frobenius.append(said_norm)
        m = _FUNCTION_SENTENCE.match(prose)
        if m and "\n" not in prose[:m.end()].rstrip():
            name = _one_name(inner)
            if name is None and _DUMMY_ARGUMENT.match(inner):
                # $\psi(\cdot)$ is the digamma function: the name with a dummy argument
                name = _one_name(_DUMMY_ARGUMENT.match(inner).group(1))
            if name is None:
                # $$\textbf{s} = s(\textbf{Xw})$$ is shorthand for the logistic function
                name = _applied_name(inner)
            if name is not None:
                word = FUNCTION_PHRASES[m.group(1).lower()]
                sentence = (text[r.start:r.end] + prose[:m.end()]).strip()
                if m.group(2) and prose[m.end():].strip() == "" and k + 1 < len(regs) \
                        and _inner(text, regs[k + 1]) is not None:
                    sentence += " " + text[regs[k + 1].start:regs[k + 1].end]
                    facts.formulas.append((regs[k + 1].start, regs[k + 1].end,
                                           _inner(text, regs[k + 1]), word))
                kw = names.keyword_of(name)
                bound.setdefault(kw, set()).add(word)
                facts.functions.setdefault(kw, (word, sentence, m.group(1)))
        arbitrary = None if m else _arbitrary(prose)
        if arbitrary is not None and "\n" not in prose[:arbitrary[1]].rstrip():
            name = _one_name(inner)
            if name is None and _DUMMY_ARGUMENT.match(inner):
                name = _one_name(_DUMMY_ARGUMENT.match(inner).group(1))
            if name is not None:
                sentence = (text[r.start:r.end] + prose[:arbitrary[1]]).strip()
                facts.arbitrary.setdefault(names.keyword_of(name), (arbitrary[0], sentence))
        said = member_statements(text, regs, k, _inner)
        if said is not None:
            facts.members.setdefault(names.keyword_of(said.member.base), []).append(said)
        for statement in shape_statements(text, regs, k, _inner, _one_name):
            kw = names.keyword_of(statement.name)
            if kw is not None and statement not in facts.shapes.get(kw, ()):
                facts.shapes.setdefault(kw, []).append(statement)
    for key, readings in bound.items():
        if len(readings) > 1:
            del facts.functions[key]              # two sentences disagree: neither is used
    return facts
