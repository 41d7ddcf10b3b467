"""Reading: text -> syntax tree. The passes, in order:

    scan.py     characters -> raw tokens (math regions, comments, pasted Unicode)
    macros.py   \\def / \\newcommand expanded
    words.py    environments, sizing, fonts, names, function words -> grammar tokens
    clauses.py  the token stream split into rows and clauses (definitions, declarations)
    parse.py    each clause parsed by the lark grammar (grammar/matcalc.lark) into
    syntax.py   frozen syntax nodes that keep their source spans

A whole post is read region by region (`parse.read`): `fragments.py` guesses what a
fragment that cannot be read would have defined, and reads renamings (``I \\to A``).
"""
