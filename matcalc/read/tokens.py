"""Tokens and the lexical tables the reading passes share (scan -> macros -> words).

Contract: a `Tok` carries its kind, value and 1-based span (line, col, end_line, end_col,
end exclusive) in the original text; `err` builds a located `ParseError`. The tables name
what each LaTeX command is to the reader (Greek letters, fonts, accents, sizing, spacing,
operators). Function spellings are not here: they live with their ops (`ops.spelled`).
"""
from __future__ import annotations

from .. import names
from ..errors import ParseError

MAX_EXPANSIONS = 20000
MAX_TOKENS = 200000


class Tok:
    """A token. `kind` is a grammar terminal name once `words` has run; `value` its text
    (or a tuple for names: (name, accent)). `sp` is True when whitespace preceded it.
    `lr` is "left"/"right" when ``\\left``/``\\right`` (or ``\\bigl``..) preceded it."""
    __slots__ = ("kind", "value", "line", "col", "end_line", "end_col", "sp", "lr", "textname")

    def __init__(self, kind, value, line, col, end_line, end_col, sp=False):
        self.kind, self.value = kind, value
        self.line, self.col, self.end_line, self.end_col = line, col, end_line, end_col
        self.sp, self.lr, self.textname = sp, None, False

    def at(self, kind, value=None):
        """A new token of `kind` at this token's place."""
        t = Tok(kind, self.value if value is None else value, self.line, self.col,
                self.end_line, self.end_col, self.sp)
        t.lr, t.textname = self.lr, self.textname
        return t

    def through(self, last, kind, value):
        """A new token of `kind` written from this token's start to the end of `last`
        (``||``, ``:=``, ``.*``: two characters read as one token keep both in its span)."""
        t = self.at(kind, value)
        t.end_line, t.end_col = last.end_line, last.end_col
        return t

    def __repr__(self):
        return f"Tok({self.kind}, {self.value!r}, {self.line}:{self.col})"


def err(message, tok, source):
    end = tok.end_col if tok is not None and tok.end_line == tok.line else None
    if tok is None:
        return ParseError(message)
    return ParseError(message, tok.line, tok.col, source, end)


# ---------------------------------------------------------------- tables

GREEK = set(names.GREEK)   # one table of Greek letters, in names.py
SYMBOL_NAMES = {"partial", "ell", "nabla", "infty", "imath", "jmath", "hbar"}

UNICODE = {
    "−": ("char", "-"), "–": ("char", "-"), "·": ("cmd", "cdot"), "⋅": ("cmd", "cdot"),
    "×": ("cmd", "times"), "∗": ("cmd", "ast"), "∈": ("cmd", "in"), "ℝ": ("cmd", "R"),
    "⊙": ("cmd", "odot"), "∘": ("cmd", "circ"), "⊘": ("cmd", "oslash"), "‖": ("cmd", "|"),
    "∑": ("cmd", "sum"), "∏": ("cmd", "prod"), "∂": ("cmd", "partial"), "…": ("cmd", "dots"),
    "⋯": ("cmd", "cdots"), "⋮": ("cmd", "vdots"), "′": ("char", "'"), "≔": ("cmd", "coloneqq"),
    "∇": ("cmd", "nabla"), "⊤": ("cmd", "top"), "≜": ("cmd", "triangleq"), "⟹": ("cmd", "implies"),
    "⇒": ("cmd", "Rightarrow"), "⇔": ("cmd", "iff"), "∞": ("cmd", "infty"), "ℓ": ("cmd", "ell"),
}
for _g, _n in zip("αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩϵϕςϑ",
                  "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi "
                  "rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
                  "Upsilon Phi Psi Omega epsilon phi varsigma vartheta".split()):
    UNICODE[_g] = ("cmd", _n)
UNICODE_SUP = {"ᵀ": "T", "²": "2", "³": "3", "¹": "1"}
IGNORED_CHARS = {"´"}                       # stray acute accents pasted from Q&A sites

PUNCT = set("+-=,;:'()[]|*/<>!?.&^_~")
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "textsf", "texttt", "mbox", "hbox",
                 "textnormal", "mathrm_text"}
MATH_ENVS = {"equation", "align", "eqnarray", "gather", "multline", "aligned", "split",
             "gathered", "displaymath", "math", "alignat", "flalign"}
ARRAY_ENVS = {"array", "pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix"}

SIZING = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
          "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm", "middle"}
DROPPED = {",", "!", ":", ">", " ", "thinspace", "enspace", "medspace", "thickspace",
           "negthinspace", "negmedspace", "displaystyle", "textstyle", "scriptstyle",
           "scriptscriptstyle", "large", "Large", "LARGE", "small", "normalsize", "huge",
           "Huge", "footnotesize", "limits", "nolimits", "nonumber", "notag", "relax",
           "quad_in", "allowbreak", "nobreak"}
DROPPED_WITH_ARG = {"label", "tag", "hspace", "vspace", "hspace*", "phantom", "hphantom",
                    "vphantom"}
# colour commands: (arguments dropped, whether one more argument is kept and read)
COLOR_COMMANDS = {"color": (1, False), "definecolor": (3, False), "pagecolor": (1, False),
                  "textcolor": (1, True), "mathcolor": (1, True), "colorbox": (1, True),
                  "fcolorbox": (2, True), "boxed": (0, True)}
INTEGRALS = {"int", "iint", "iiint", "oint", "intop", "smallint"}
IMPLIES = {"implies", "Rightarrow", "Longrightarrow", "iff", "Leftrightarrow",
           "Longleftrightarrow", "impliedby", "therefore"}

# Function spellings live with their ops (`ops.spelled`): commands, words, letter runs.
SEP_WORDS = {"and", "where", "with", "for", "if", "forall", "while"}
HOLD_TEXT = {"constant", "const", "const.", "is constant", "held constant", "fixed",
             "is fixed", "(constant)", "= const", "constant."}

FONT_ARG = {"mathbf", "mathrm", "mathit", "mathsf", "mathtt", "boldsymbol", "bm", "mathcal",
            "mathscr", "mathfrak", "pmb", "mathbfit", "mathds", "mathnormal", "bold",
            "textup"}
FONT_SWITCH = {"rm", "bf", "it", "tt", "sf", "cal", "mit", "bfseries", "rmfamily"}
ONES_FONTS = {"mathbf", "mathbb", "boldsymbol", "bm", "pmb", "mathds", "bf", "tt", "mathtt",
              "bold", "mathbfit"}
NAME_FONTS = {"mathrm", "mathit", "mathsf", "mathtt", "rm", "it", "sf", "tt"}
# Script fonts make a name of their own: \mathcal{V} is not V (a potential V and its
# matrix \mathcal{V} on one line). The font is kept on the name like an accent.
SCRIPT_FONTS = {"mathcal": "cal", "cal": "cal", "mathscr": "scr", "mathfrak": "frak"}
WORD_FONTS = {"mathrm", "operatorname", "mathit", "mathsf", "mathtt", "rm", "it", "sf", "tt"}
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
           "widetilde": "tilde", "dot": "dot", "vec": "vec", "check": "check",
           "overrightarrow": "vec"}

SIMPLE = {
    "cdot": ("MULOP", "cdot"), "times": ("MULOP", "times"), "ast": ("MULOP", "*"),
    "odot": ("HAD", "hadamard"), "circ": ("HAD", "hadamard"), "oslash": ("HAD", "hdiv"),
    "div": ("SLASH", "/"), "in": ("IN", "in"), "coloneqq": ("REL", ":="),
    "triangleq": ("REL", ":="), "equiv": ("REL", "="), "doteq": ("REL", "="),
    "eqqcolon": ("REL", "="),
    "dots": ("DOTS", "..."), "ldots": ("DOTS", "..."), "cdots": ("DOTS", "..."),
    "vdots": ("DOTS", "..."), "ddots": ("DOTS", "..."), "dotsc": ("DOTS", "..."),
    "dotsb": ("DOTS", "..."), "dotsm": ("DOTS", "..."),
    "{": ("LSET", "\\{"), "}": ("RSET", "\\}"), "lbrace": ("LSET", "\\{"),
    "rbrace": ("RSET", "\\}"), "lbrack": ("LBRACK", "["), "rbrack": ("RBRACK", "]"),
    "sum": ("BIG", "sum"), "prod": ("BIG", "prod"),
    "frac": ("FRAC", "frac"), "tfrac": ("FRAC", "frac"), "dfrac": ("FRAC", "frac"),
    "cfrac": ("FRAC", "frac"),
    "top": ("TOPSYM", "T"), "intercal": ("TOPSYM", "T"), "prime": ("PRIME", "'"),
    "R": ("REALS", "R"), "Reals": ("REALS", "R"),
    "to": ("MAPSTO", "to"), "mapsto": ("MAPSTO", "to"), "rightarrow": ("MAPSTO", "to"),
    "longmapsto": ("MAPSTO", "to"), "longrightarrow": ("MAPSTO", "to"),
    "|": ("BAR2", "\\|"), "Vert": ("BAR2", "\\|"), "lVert": ("BAR2", "\\|"),
    "rVert": ("BAR2", "\\|"), "parallel": ("BAR2", "\\|"),
    "vert": ("BAR1", "|"), "lvert": ("BAR1", "|"), "rvert": ("BAR1", "|"),
    "langle": ("LPAR", "langle"), "rangle": ("RPAR", "rangle"),
    # comparisons outside a sum's subscript: the constraints of an optimisation (no grammar
    # rule takes them; read/optimum.py notes them)
    "geq": ("CMP", ">="), "ge": ("CMP", ">="), "geqslant": ("CMP", ">="),
    "leq": ("CMP", "<="), "le": ("CMP", "<="), "leqslant": ("CMP", "<="),
    "neq": ("CMP", "!="), "ne": ("CMP", "!="), "succeq": ("CMP", ">="),
    "preceq": ("CMP", "<="), "succ": ("CMP", ">"), "prec": ("CMP", "<"),
    # a distribution statement, x \sim \mathcal{N}(\mu, \Sigma): no grammar rule takes it
    # (read/parse.py skips the clause and notes it)
    "sim": ("SIM", "~"), "thicksim": ("SIM", "~"),
}
CHARS = {"+": "PLUS", "-": "MINUS", "*": "MULOP", "/": "SLASH", "=": "REL", ",": "COMMA",
         ";": "SEMI", "'": "PRIME", "(": "LPAR", ")": "RPAR", "[": "LBRACK", "]": "RBRACK",
         "|": "BAR1", ".": "PERIOD", "^": "SUP", "_": "SUB"}

# How a function word's argument is written, where it differs from ``f(x)`` / ``f x``
# (the reader's spelling facts; what each function is lives with its op, `ops.spelled`):
BRACED_ARGUMENT = {"sqrt"}                    # \sqrt{x}: the brace group is its parentheses
COMMAND_PAIRS = {("log", "det"): "logdet"}   # \log\det X: two commands spell one op
NO_OPTIONAL_ARGUMENT = {"sqrt": "only square roots are supported (\\sqrt[n]{..} is not)"}

# \text{ symmetric} right after a square space, P \in \mathbb{R}^{n \times n} \text{ symmetric}:
# the symmetric matrices of that size, as \mathbb{S}^n (the words, lower-cased)
SYMMETRIC_TEXT = {"symmetric", "symmetric positive definite", "symmetric positive semidefinite",
                  "symmetric positive semi-definite", "symmetric and positive definite",
                  "symmetric matrix"}
