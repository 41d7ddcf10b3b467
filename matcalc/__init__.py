"""matcalc: symbolic matrix calculus for gradients written in LaTeX.

    import matcalc
    g = matcalc.gradient(doc, wrt="W")
    g.latex(); g.steps; g.numpy_source(); g.to_numpy(); g.inputs
    matcalc.check(doc, wrt="W", claim=r"...")
    matcalc.check_all(post)          # a verdict on every claimed derivative in a post
    matcalc.define_function("softsign", derivative=r"(1 + |x|)^{-2}", numpy="x / (1 + np.abs(x))")

Data flow: text -> parse (syntax) -> lower (IR) -> diff -> simplify -> render | codegen.

The public names load on first use: ``import matcalc`` imports only this file, and the
first ``matcalc.gradient`` (or any other name of ``__all__``) imports the engine with NumPy
and SymPy (lark follows at the first parse). Submodules (``matcalc.names``, ...) load the
same way when first named (PEP 562 ``__getattr__``). The public names are properties of
the package's module class, so importing the submodule ``matcalc.check`` does not hide the
function ``matcalc.check``.
"""
import importlib
import importlib.util
import sys
import types

# public name -> the submodule that defines it
_EXPORTS = {
    "gradient": "api", "parse": "api", "Gradient": "api", "Gradients": "api",
    "DerivationStep": "api",
    "check": "check", "CheckResult": "check",
    "check_all": "claims", "Verdict": "claims",
    "jacobian": "calculus", "hessian": "calculus", "hvp": "calculus",
    "Jacobian": "calculus", "Hessian": "calculus", "HVP": "calculus",
    "MatcalcError": "errors", "ParseError": "errors", "ShapeError": "errors",
    "define_function": "ops", "undefine_function": "ops",
}

__all__ = ["gradient", "check", "check_all", "parse", "define_function", "undefine_function",
           "jacobian", "hessian", "hvp", "Jacobian", "Hessian", "HVP",
           "Gradient", "Gradients", "CheckResult", "Verdict", "DerivationStep",
           "MatcalcError", "ParseError", "ShapeError"]
__version__ = "0.1.0"


class _Package(types.ModuleType):
    """This package's module: each public name a property that imports its submodule."""


def _export(name):
    where = f"{__name__}.{_EXPORTS[name]}"

    def get(module):
        override = module.__dict__.get("_overrides", {})
        if name in override:
            return override[name]
        return getattr(importlib.import_module(where), name)

    def put(module, value):
        if isinstance(value, types.ModuleType):
            return            # a submodule's import binding itself: the name stays public
        module.__dict__.setdefault("_overrides", {})[name] = value   # e.g. monkeypatch

    def drop(module):
        module.__dict__.get("_overrides", {}).pop(name, None)

    return property(get, put, drop, doc=f"{name}, from {where} (loaded on first use)")


for _name in _EXPORTS:
    setattr(_Package, _name, _export(_name))
sys.modules[__name__].__class__ = _Package


def __getattr__(name):
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
