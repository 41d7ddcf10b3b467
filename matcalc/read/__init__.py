"""Reading: text -> syntax tree. The passes, in order:

    tokens.py   the token type and the lexical tables (spellings as data)
    scan.py     characters -> raw tokens (math regions, comments, pasted Unicode)
    macros.py   \\def / \\newcommand expanded
    layout.py   TeX layout read for what it shows (\\over, \\underset, colours, \\qty)
    clean.py    environments, \\eqalign rows, alignment, sizing, spacing
    words.py    letters, text, braces, characters -> grammar tokens (`tokenize`: all passes)
    commands.py backslash commands -> grammar tokens, one reading a row
    ahead.py    looking ahead in a token list (groups, arguments, <a, b>, accents)
    clauses.py  the token stream split into rows and clauses (definitions, declarations)
    parse.py    each clause parsed by the lark grammar (grammar/matcalc.lark), whose
    build.py    callbacks make
    syntax.py   frozen syntax nodes that keep their source spans
    scripts.py  a script letter (\\mathcal{V}) beside the plain one: one name, or its own
                where one name is not well-formed (the statements, renamed)

A whole post is read region by region (`parse.read`): `fragments.py` guesses what a
fragment that cannot be read would have defined, and reads renamings (``I \\to A``);
`prose.py` reads the few facts a post states in words ("$S$ is softmax function"), and
`prose_shapes.py` the shapes ("where x is dimension (1x5)", "$X$ is an $m \\times n$
matrix"); `implied.py` keeps the equations stated after ``\\Rightarrow``.
"""
