"""Pass 2 of reading: ``\\def`` / ``\\newcommand`` / ``\\renewcommand`` macros, expanded with
a bound (`MAX_EXPANSIONS`, `MAX_TOKENS`).

Contract: `expand(toks, source) -> list[Tok]`. Tokens from a macro body carry the span of
the macro call; arguments keep their own. Raises only `ParseError`.
"""
from __future__ import annotations

from .tokens import (MAX_EXPANSIONS, MAX_TOKENS, Tok, err)


# ---------------------------------------------------------------- 2. macros

class _Stream:
    """Tokens read from the front; expansions pushed back in front."""

    def __init__(self, toks):
        self.stack = list(reversed(toks))

    def pop(self):
        return self.stack.pop() if self.stack else None

    def peek(self):
        return self.stack[-1] if self.stack else None

    def push(self, toks):
        self.stack.extend(reversed(toks))


def _skip_newlines(st):
    while st.peek() is not None and st.peek().kind == "newline":
        st.pop()


def _read_group(st, opener, source):
    """The opener '{' has been popped: read to the matching '}' and return the inside."""
    depth, body = 1, []
    while True:
        t = st.pop()
        if t is None or t.kind == "break":
            raise err("unclosed '{'", opener, source)
        if t.kind == "{":
            depth += 1
        elif t.kind == "}":
            depth -= 1
            if depth == 0:
                return body
        body.append(t)


def _read_arg(st, at, source):
    _skip_newlines(st)
    t = st.pop()
    if t is None or t.kind in ("}", "break"):
        raise err("a macro argument is missing", at, source)
    if t.kind == "{":
        return _read_group(st, t, source), t
    return [t], t


def expand(toks: list, source: str, macros: dict | None = None) -> list:
    """Define and expand macros; return the stream without definitions. `macros` (name ->
    definition) carries definitions from one fragment of a post to the next."""
    st = _Stream(toks)
    macros = {} if macros is None else macros
    out: list = []
    count = 0
    while True:
        t = st.pop()
        if t is None:
            return out
        if t.kind != "cmd":
            out.append(t)
            continue
        name = t.value
        if name == "def":
            _skip_newlines(st)
            m = st.pop()
            if m is None or m.kind != "cmd":
                raise err("\\def must be followed by a command name", t, source)
            nparams = 0
            while st.peek() is not None and st.peek().kind == "param":
                st.pop()
                nparams += 1
            _skip_newlines(st)
            b = st.pop()
            if b is None or b.kind != "{":
                raise err(f"\\def\\{m.value}: the definition needs a body in braces", m, source)
            macros[m.value] = (nparams, _read_group(st, b, source))
            continue
        if name in ("newcommand", "renewcommand", "providecommand", "DeclareMathOperator"):
            _skip_newlines(st)
            star = st.peek()
            if star is not None and star.kind == "char" and star.value == "*":
                st.pop()
            m = st.pop()
            if m is not None and m.kind == "{":
                inner = _read_group(st, m, source)
                if len(inner) != 1 or inner[0].kind != "cmd":
                    raise err(f"\\{name} must name a command", m, source)
                m = inner[0]
            if m is None or m.kind != "cmd":
                raise err(f"\\{name} must be followed by a command name", t, source)
            nparams = 0
            if st.peek() is not None and st.peek().kind == "char" and st.peek().value == "[":
                st.pop()
                num, close = st.pop(), st.pop()
                if num is None or num.kind != "num" or close is None or close.value != "]":
                    raise err("expected the number of arguments, e.g. [2]", t, source)
                nparams = int(num.value)
                if st.peek() is not None and st.peek().kind == "char" and st.peek().value == "[":
                    raise err("optional macro arguments are not supported", st.peek(), source)
            _skip_newlines(st)
            b = st.pop()
            if b is None or b.kind != "{":
                raise err(f"\\{name}: the definition needs a body in braces", m, source)
            body = _read_group(st, b, source)
            if name == "DeclareMathOperator":
                body = [b.at("cmd", "operatorname"), b.at("{", "{")] + body + [b.at("}", "}")]
            if name == "providecommand" and m.value in macros:
                continue
            macros[m.value] = (nparams, body)
            continue
        if name not in macros:
            out.append(t)
            continue
        count += 1
        if count > MAX_EXPANSIONS or len(st.stack) + len(out) > MAX_TOKENS:
            raise err(f"macro expansion does not end (does \\{name} call itself?)", t, source)
        nparams, body = macros[name]
        args, last = [], t
        for _ in range(nparams):
            a, last = _read_arg(st, t, source)
            args.append(a)
        end_line, end_col = t.end_line, t.end_col
        if last.line == t.line and last is not t:
            end_col = max(end_col, last.end_col)
        res = []
        for k, bt in enumerate(body):
            if bt.kind == "param":
                idx = int(bt.value) - 1
                if not 0 <= idx < len(args):
                    raise err(f"\\{name} uses #{bt.value} but takes {len(args)} arguments", t, source)
                res.extend(args[idx])
                continue
            c = Tok(bt.kind, bt.value, t.line, t.col, end_line, end_col, t.sp if k == 0 else bt.sp)
            res.append(c)
        st.push(res)
