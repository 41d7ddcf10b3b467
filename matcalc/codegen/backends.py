"""Back ends of the generated code: NumPy, JAX, PyTorch and the array API standard.

Contract: a `Backend` spells what is not an op -- the module's imports, how inputs are
taken, constants (``full``, ``ones``, ``eye``), permutations, sums, ``einsum``, the inner
product, the input guards and the return. Every op's code comes from its block in the
registry, never from a table here:
- an elementwise `Function`: `form(f)` is ``f.forms[name]`` if the block gives one, else
  its NumPy form with the namespace ``np.`` spelled as this back end's (`ns`): a back end
  whose function has NumPy's name needs no entry. Helpers likewise: the block's
  ``backend_helpers[name]`` if given, else its NumPy helpers in this namespace. A form
  that is None says the back end cannot compute the function (`ir.IRError`, reported as
  a MatcalcError naming it).
- a node op: `node_code` calls the block's method named after the back end (``jax``,
  ``torch``, ``array_api``) if it has one, else its ``numpy`` method, which writes names
  in ``em.ns``.
Every module also imports numpy as np (dimension arithmetic such as ``np.sqrt(n)``).

Dtype and device: floating inputs keep their dtype (anything else becomes float64),
constants are made in the inputs' common dtype ``_dt`` (and, for torch and the array API,
on the inputs' device ``_dev``), and the result is returned in ``_dt``. The JAX code
branches only on shapes and dtypes (static under ``jax.jit``); the array-API code looks the
namespace up from its inputs (``array_api_compat.array_namespace``), so the same module
runs on NumPy, CuPy, Dask or torch arrays.

`BACKENDS[name]`; `get(name)` raises MatcalcError for an unknown name.
"""
from __future__ import annotations

import re

from .. import ir
from ..errors import MatcalcError
from .source import _atom

NP_NAME = re.compile(r"(?<![\w.])np\.")

ASFLOAT = '''def _asfloat(x):
    """x as a real floating array: a floating array keeps its dtype, booleans and integers
    become float64; a complex array is refused (not truncated to its real part: the
    formulas are those of real calculus)."""
    x = np.asarray(x)
    if x.dtype.kind == "c":
        raise TypeError("the generated function takes real arrays, not complex ones")
    return x if x.dtype.kind == "f" else x.astype(np.float64)
'''

SHAPE_ERROR = '''def _shape_error(message):
    """matcalc.ShapeError (a ValueError) where matcalc is installed, else ValueError."""
    try:
        from matcalc.errors import ShapeError
    except ImportError:
        return ValueError(message)
    return ShapeError(message)
'''

EINSUM = '''def _einsum(xp, spec, *ops):
    """einsum in a namespace that may lack one: xp.einsum where it exists, else every
    operand broadcast over all labels (a repeated label through an identity), multiplied,
    and summed over the labels the result does not keep."""
    if hasattr(xp, "einsum"):
        return xp.einsum(spec, *ops)
    ins, out = spec.split("->")
    ins = ins.split(",")
    labels = list(dict.fromkeys(out + "".join(ins)))
    terms = []
    for sub, x in zip(ins, ops):
        seen = ""
        for pos, lab in enumerate(sub):
            if lab in seen:
                fresh = chr(0x100 + len(labels))
                labels.append(fresh)
                terms.append((lab + fresh, xp.eye(x.shape[pos], dtype=x.dtype)))
                sub = sub[:pos] + fresh + sub[pos + 1:]
            seen += sub[pos]
        terms.append((sub, x))
    prod = None
    for sub, x in terms:
        order = [lab for lab in labels if lab in sub]
        x = xp.permute_dims(x, tuple(sub.index(lab) for lab in order))
        x = x[tuple(slice(None) if lab in sub else None for lab in labels)]
        prod = x if prod is None else prod * x
    summed = tuple(k for k, lab in enumerate(labels) if lab not in out)
    if summed:
        prod = xp.sum(prod, axis=summed)
    kept = [lab for lab in labels if lab in out]
    return xp.permute_dims(prod, tuple(kept.index(lab) for lab in out))
'''


class Backend:
    """The NumPy back end; the others override what they spell differently."""

    name = "numpy"
    ns = "np"
    reserved = ("np", "_dt", "_dev")      # names the code uses beside the inputs
    imports = ("import numpy as np",)
    module_helpers = {"_asfloat": ASFLOAT, "_shape_error": SHAPE_ERROR}
    # the statement a function runs under where it computes entries it then drops (the
    # excluded terms of a masked sum): NumPy would warn of their 0^-s
    quiet = 'with np.errstate(divide="ignore", invalid="ignore", over="ignore"):'
    # `forms`' cheap forms write NumPy (blocks written in place, np.multiply(out=)): the
    # other back ends take the plain forms (JAX arrays cannot be written in place)
    cheap_forms = True

    # ------------------------------------------------------------ the ops' forms
    def translate(self, code: str) -> str:
        """NumPy code with the namespace ``np.`` spelled as this back end's."""
        return code if self.ns == "np" else NP_NAME.sub(self.ns + ".", code)

    def form(self, f) -> str:
        forms = getattr(f, "forms", None) or {}
        if self.name in forms:
            if forms[self.name] is None:
                raise ir.IRError(f"the function {f.name} has no {self.name} form")
            return forms[self.name]
        return self.translate(f.numpy)

    def helpers_of(self, entry) -> dict:
        """{name: source} of an op's helpers in this back end."""
        own = (getattr(entry, "backend_helpers", None) or {}).get(self.name)
        if own is not None:
            return dict(own)
        return {k: self.translate(v) for k, v in (getattr(entry, "helpers", None) or {}).items()}

    def fill(self, template: str, arg: str, em) -> str:
        """`template` with the argument's code in every ``{}`` (a temporary if the
        argument is used twice and is not a name)."""
        if template.count("{}") > 1 and not arg.isidentifier():
            arg = em.temp(arg)
        return template.replace("{}", arg)

    def function_code(self, f, node, em) -> str:
        """Code of the elementwise function `f` applied to node.arg."""
        form = self.form(f)
        helpers = self.helpers_of(f)
        used = {h for h in helpers if h in form}
        used |= {h for h in helpers for u in list(used) if h in helpers[u]}
        em.helpers.update(used)
        stable = f.stable(node.arg, em) if f.stable is not None else None
        return stable if stable is not None else self.fill(form, em.value(node.arg), em)

    def node_code(self, block, node, em) -> str:
        own = getattr(block, self.name, None) if self.name != "numpy" else None
        return (own or block.numpy)(node, em)

    def helper_sources(self, ops) -> dict:
        out = dict(self.module_helpers)
        for cls in ops.NODE_OPS.values():
            out.update(self.helpers_of(cls))
        for f in ops.FUNCTIONS.values():
            out.update(self.helpers_of(f))
        return out

    # ------------------------------------------------------------ core nodes
    def full(self, shape: str, v: str) -> str:
        return f"np.full(({shape},), {v}, dtype=_dt)"

    def ones(self, shape: str) -> str:
        return f"np.ones(({shape},), dtype=_dt)"

    def eye(self, n: str) -> str:
        return f"np.eye({n}, dtype=_dt)"

    def constant(self, code: str) -> str:
        """A NumPy constant array (a mask) as an array of this back end."""
        return code

    def permute(self, code: str, perm: str) -> str:
        return f"np.transpose({code}, ({perm},))"

    def matmul(self, a: str, rank_a: int, trans_a: bool, b: str, rank_b: int,
               trans_b: bool) -> str:
        """a @ b, each transposed if its flag says so (a matrix only)."""
        left = f"{_atom(a)}.T" if trans_a else a
        right = f"{_atom(b)}.T" if trans_b else b
        return f"{_atom(left)} @ {_atom(right)}"

    def sum_axis(self, code: str, axis) -> str:
        return f"{_atom(code)}.sum(axis={axis})"

    def vdot(self, a: str, b: str) -> str:
        return f"np.vdot({a}, {b})"

    def einsum(self, spec: str, codes) -> str:
        opt = ", optimize=True" if len(codes) > 1 else ""
        return f"np.einsum('{spec}', {', '.join(codes)}{opt})"

    def einsum_pass(self, spec: str, codes) -> str:
        """One einsum pass over operands of the same axes (no path to optimise)."""
        return self.einsum(spec, codes) if self.ns != "np" else \
            f"np.einsum('{spec}', {', '.join(codes)})"

    # ------------------------------------------------------------ the function
    def coerce(self, name: str) -> str:
        return f"_asfloat({name})"

    def dtype_line(self, arrays) -> str:
        if not arrays:
            return "_dt = np.float64"
        return f"_dt = np.result_type({', '.join(arrays)})"

    def prologue(self, arrays, scalars) -> list:
        """Lines taking the inputs: arrays (names of array inputs), their dtype `_dt`,
        then scalars (see `scalar`)."""
        lines = [f"{v} = {self.coerce(v)}" for v in arrays]
        return lines + [self.dtype_line(arrays)] + [f"{v} = {self.scalar(v)}" for v in scalars]

    def scalar(self, name: str) -> str:
        """A scalar input in the arrays' dtype: NumPy's 0-d float64 array is not a weak
        scalar (NEP 50), so y = 1.0 beside float32 arrays would compute every product it
        enters in float64 and cast the result back (4x the time of a 3000x3000 float32
        outer product)."""
        return f"{self.coerce(name)}.astype(_dt, copy=False)"

    def result(self, code: str) -> str:
        return f"np.asarray({code}, dtype=_dt)"

    def const_result(self, code: str, shape: str) -> str:
        return f"np.broadcast_to(np.asarray({code}, dtype=_dt), ({shape})).copy()"


class JaxBackend(Backend):
    """jax.numpy: NumPy's names; jit-compatible (no branch on a value)."""

    quiet = None
    cheap_forms = False
    name = "jax"
    ns = "jnp"
    reserved = ("np", "jnp", "jax", "_dt")
    imports = ("import numpy as np", "import jax", "import jax.numpy as jnp",
               "import jax.scipy.special")
    module_helpers = {"_asfloat": '''def _asfloat(x):
    """x as a jax array of floating dtype (a floating one keeps its dtype)."""
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise TypeError("the generated function takes real arrays, not complex ones")
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(jnp.float64)
''', "_shape_error": SHAPE_ERROR}

    def full(self, shape, v):
        return f"jnp.full(({shape},), {v}, dtype=_dt)"

    def ones(self, shape):
        return f"jnp.ones(({shape},), dtype=_dt)"

    def eye(self, n):
        return f"jnp.eye({n}, dtype=_dt)"

    def constant(self, code):
        return f"jnp.asarray({code}, dtype=_dt)"

    def permute(self, code, perm):
        return f"jnp.transpose({code}, ({perm},))"

    def matmul(self, a, rank_a, trans_a, b, rank_b, trans_b):
        """Aᵀv as v @ A and vᵀAᵀ as A @ v: XLA on CPU copies a transposed matrix that
        meets a vector (11x slower at 5000 x 1000)."""
        if trans_a and rank_b == 1:
            return f"{_atom(b)} @ {_atom(a)}"
        if trans_b and rank_a == 1:
            return f"{_atom(b)} @ {_atom(a)}"
        return super().matmul(a, rank_a, trans_a, b, rank_b, trans_b)

    def vdot(self, a, b):
        return f"jnp.vdot({a}, {b})"

    def einsum(self, spec, codes):
        return f"jnp.einsum('{spec}', {', '.join(codes)})"

    def dtype_line(self, arrays):
        return f"_dt = jnp.result_type({', '.join(arrays)})" if arrays else \
            "_dt = jnp.result_type(float)"

    def scalar(self, name):
        return self.coerce(name)   # a Python number is weakly typed under jax

    def result(self, code):
        return f"jnp.asarray({code}, dtype=_dt)"

    def const_result(self, code, shape):
        return f"jnp.broadcast_to(jnp.asarray({code}, dtype=_dt), ({shape}))"


class TorchBackend(Backend):
    """PyTorch: constants on the inputs' device, in their dtype."""

    quiet = None
    cheap_forms = False
    name = "torch"
    ns = "torch"
    reserved = ("np", "torch", "_dt", "_dev")
    imports = ("import numpy as np", "import torch")
    module_helpers = {"_asfloat": '''def _asfloat(x, like=None):
    """x as a tensor of floating dtype (a floating one keeps its dtype, anything else
    becomes float64), on the device of `like` where x is not a tensor yet."""
    if not torch.is_tensor(x):
        x = torch.as_tensor(x, device=None if like is None else like.device)
    if x.is_complex():
        raise TypeError("the generated function takes real tensors, not complex ones")
    return x if x.is_floating_point() else x.to(torch.float64)
''', "_shape_error": SHAPE_ERROR}

    def full(self, shape, v):
        return f"torch.full(({shape},), {v}, dtype=_dt, device=_dev)"

    def ones(self, shape):
        return f"torch.ones(({shape},), dtype=_dt, device=_dev)"

    def eye(self, n):
        return f"torch.eye({n}, dtype=_dt, device=_dev)"

    def constant(self, code):
        return f"torch.as_tensor({code}, dtype=_dt, device=_dev)"

    def permute(self, code, perm):
        return f"torch.permute({code}, ({perm},))"

    def sum_axis(self, code, axis):
        return f"torch.sum({code}, dim={axis})"

    def vdot(self, a, b):
        return f"torch.sum({_atom(a)} * {_atom(b)})"

    def einsum(self, spec, codes):
        return f"torch.einsum('{spec}', {', '.join(codes)})"

    def prologue(self, arrays, scalars):
        first = arrays[0] if arrays else None
        lines = [f"{v} = _asfloat({v})" for v in arrays[:1]]
        lines += [f"{v} = _asfloat({v}, {first})" for v in arrays[1:]]
        if arrays:
            lines.append(f"_dt = {self._promote(arrays)}")
            lines.append(f"_dev = {first}.device")
        else:
            lines += ["_dt = torch.float64", "_dev = None"]
        # a Python number would become a float32 tensor: a scalar takes the arrays' dtype
        return lines + [f"{v} = torch.as_tensor({v}, dtype=_dt, device=_dev)" for v in scalars]

    @staticmethod
    def _promote(arrays):
        code = f"{arrays[0]}.dtype"
        for a in arrays[1:]:
            code = f"torch.promote_types({code}, {a}.dtype)"
        return code

    def result(self, code):
        return f"torch.as_tensor({code}, dtype=_dt, device=_dev)"

    def const_result(self, code, shape):
        return (f"torch.broadcast_to(torch.as_tensor({code}, dtype=_dt, device=_dev), "
                f"({shape})).clone()")


class ArrayAPIBackend(Backend):
    """The array API standard through array_api_compat: the namespace of the inputs."""

    cheap_forms = False
    name = "array_api"
    ns = "xp"
    reserved = ("np", "xp", "array_api_compat", "_dt", "_dev")
    imports = ("import numpy as np", "import array_api_compat")
    module_helpers = {"_asfloat": '''def _asfloat(x, xp):
    """x as an array of floating dtype of the namespace xp (a floating one keeps its
    dtype, anything else becomes float64)."""
    x = xp.asarray(x)
    if xp.isdtype(x.dtype, "complex floating"):
        raise TypeError("the generated function takes real arrays, not complex ones")
    return x if xp.isdtype(x.dtype, "real floating") else xp.astype(x, xp.float64)
''', "_shape_error": SHAPE_ERROR, "_einsum": EINSUM}

    def helpers_of(self, entry) -> dict:
        """An op's own array-API helpers, else its NumPy helpers in the namespace of their
        first argument (looked up at the call: a module-level helper has no other)."""
        own = (getattr(entry, "backend_helpers", None) or {}).get(self.name)
        if own is not None:
            return dict(own)
        return {k: _namespace_first(self.translate(v))
                for k, v in (getattr(entry, "helpers", None) or {}).items()}

    def full(self, shape, v):
        return f"xp.full(({shape},), {v}, dtype=_dt, device=_dev)"

    def ones(self, shape):
        return f"xp.ones(({shape},), dtype=_dt, device=_dev)"

    def eye(self, n):
        return f"xp.eye({n}, dtype=_dt, device=_dev)"

    def constant(self, code):
        return f"xp.asarray({code}, dtype=_dt, device=_dev)"

    def permute(self, code, perm):
        return f"xp.permute_dims({code}, ({perm},))"

    def sum_axis(self, code, axis):
        return f"xp.sum({code}, axis={axis})"

    def vdot(self, a, b):
        return f"xp.sum({_atom(a)} * {_atom(b)})"

    def einsum(self, spec, codes):
        return f"_einsum(xp, '{spec}', {', '.join(codes)})"

    def prologue(self, arrays, scalars):
        if arrays:
            lines = [f"xp = array_api_compat.array_namespace({', '.join(arrays)})"]
        else:
            lines = ["xp = array_api_compat.array_namespace(np.zeros(()))"]
        lines += [f"{v} = _asfloat({v}, xp)" for v in arrays]
        lines.append(f"_dt = xp.result_type({', '.join(arrays)})" if arrays else
                     "_dt = xp.float64")
        lines.append(f"_dev = array_api_compat.device({arrays[0]})" if arrays else
                     "_dev = None")
        lines += [f"{v} = xp.asarray({v}, dtype=_dt, device=_dev)" for v in scalars]
        return lines

    def result(self, code):
        return f"xp.asarray({code}, dtype=_dt, device=_dev)"

    def const_result(self, code, shape):
        return f"xp.broadcast_to(xp.asarray({code}, dtype=_dt, device=_dev), ({shape}))"


def _namespace_first(source: str) -> str:
    """A helper's source with ``xp = array_namespace(<its first argument>)`` as its first
    statement, after the docstring."""
    lines = source.splitlines()
    m = re.match(r"def \w+\((\w+)", lines[0]) if lines else None
    if m is None:
        return source
    at = 1
    if len(lines) > 1 and lines[1].strip().startswith('"""'):
        at = next((k + 1 for k in range(1, len(lines)) if lines[k].rstrip().endswith('"""')
                   and (k > 1 or lines[k].strip().count('"""') == 2)), 1)
    indent = re.match(r"\s*", lines[1]).group(0) if len(lines) > 1 else "    "
    lines.insert(at, f"{indent}xp = array_api_compat.array_namespace({m.group(1)})")
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")


NUMPY = Backend()
BACKENDS = {b.name: b for b in (NUMPY, JaxBackend(), TorchBackend(), ArrayAPIBackend())}


def get(backend) -> Backend:
    """The back end named `backend` (or the Backend itself); MatcalcError if unknown."""
    if backend is None:
        return NUMPY
    if isinstance(backend, Backend):
        return backend
    if backend not in BACKENDS:
        raise MatcalcError(f"backend={backend!r} is not one of "
                           f"{', '.join(repr(b) for b in BACKENDS)}")
    return BACKENDS[backend]


class BackendViews:
    """The back-end views of a result (mixed into `Gradient`, `Gradients` and the
    calculus results): `source(backend)`, `to_jax()`, `to_torch()`, `to_array_api()`,
    and `to_sympy()`.
    A class using it defines `_source_for(backend)` (the module's source, a
    `Backend`) and `function_name`."""

    def source(self, backend: str = "numpy") -> str:
        """The generated module for `backend`: "numpy", "jax", "torch" or "array_api"."""
        bk = get(backend)
        cache = self.__dict__.setdefault("_backend_sources", {})
        if bk.name not in cache:
            cache[bk.name] = self._source_for(bk)
        return cache[bk.name]

    def _compiled(self, backend):
        from .module import compile_module
        source = self.source(backend)
        try:
            return compile_module(source, self.function_name)
        except ImportError as err:
            extra = {"jax": "jax", "torch": "torch", "array_api": "dask"}[backend]
            raise MatcalcError(f"the {backend} back end needs {err.name}, which is not "
                               f"installed (pip install 'matcalc-engine[{extra}]')") from None

    def to_jax(self, jit: bool = True):
        """The generated function in JAX (jax.numpy), jitted unless `jit` is False; it
        branches on shapes only, so jax.jit, grad and vmap of it work."""
        fn = self._compiled("jax")
        if not jit:
            return fn
        import jax
        # a dimension passed as an int sizes arrays, and a callable (an arbitrary function's,
        # `ops.opaque`) is code: both static under jit (the generated docstring lists them as
        # "<name>: int (dimension ...)" and "<name>: callable")
        static = re.findall(r"^\s+(\w+): (?:int \(dimension |callable)", fn.__doc__ or "",
                            re.M)
        return jax.jit(fn, static_argnames=static) if static else jax.jit(fn)

    def to_sympy(self):
        """The closed form as a SymPy expression (`sympy_form`): a scalar expression, a
        matrix expression (`FunctionMatrix`) for a vector or matrix, a `Lambda` of the
        indices for higher orders; several gradients give a tuple."""
        from .sympy_form import to_sympy
        if hasattr(self, "gradients"):
            return tuple(g.to_sympy() for g in self.gradients)
        return to_sympy(self.problem, self.node)

    def to_torch(self):
        """The generated function in PyTorch: it computes on its inputs' device, in their
        dtype."""
        return self._compiled("torch")

    def to_array_api(self):
        """The generated function for any array-API namespace (NumPy, Dask, CuPy, torch,
        through array_api_compat): it returns an array of its inputs' kind (a lazy one
        for Dask: call .compute())."""
        return self._compiled("array_api")
