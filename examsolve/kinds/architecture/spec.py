"""Loading an architecture spec: the framework, the input shape, the layers (YAML, or PyTorch/
Keras code read with `ast`), and the constraints that pin unknown sizes.

Everything is validated here, once: the stack is propagated (shapes that cannot flow are bad
input at their layer), constraint keys must be answer keys, every unknown must be pinned by
some constraint. Limits (each keeps a spec under a few seconds): 2,000 layers after repeats
(40 when a size is unknown: each layer nests the unknowns' expressions one level deeper),
sizes below 10⁹, at most 3 unknowns.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from examsolve.errors import SpecError
from examsolve.problem import Common
from examsolve.spec import NAME_RE, SpecNode
from examsolve.kinds.architecture.layers import (BLOCKS, OPTIONS, REQUIRED, Layer,
                                                 Stack, Unknown, Value, Where, canonical_layer,
                                                 canonical_option, layer_hint, option_hint,
                                                 option_minimum)

FRAMEWORKS = ("pytorch", "keras")
MAX_LAYERS = 2_000
MAX_LAYERS_WITH_UNKNOWNS = 40
MAX_SIZE = 10**9
MAX_UNKNOWNS = 3
MAX_CODE = 100_000
_BOOL_OPTIONS = ("bias", "bidirectional", "ceil_mode", "affine", "reset_after")
_WORDS = {"padding": ("same", "valid"), "output": ("sequence", "last")}


@dataclass(frozen=True)
class Constraint:
    key: str
    value: tuple[int, ...] | int
    where: Where


@dataclass(frozen=True)
class ArchSpec:
    common: Common
    framework: str
    stack: Stack
    constraints: tuple[Constraint, ...]
    unknowns: tuple[str, ...]
    code: str | None = None  # the pasted code, shown in the derivation


def load(node: SpecNode, common: Common) -> ArchSpec:
    """Validate an architecture spec (SpecError with file:line: path)."""
    from examsolve.kinds.architecture.analysis import analyse

    has_layers, has_code = "layers" in node, "code" in node
    if has_layers == has_code:
        raise node.error("give either `layers` (a YAML layer list) or `code` (PyTorch or "
                         "Keras code), not " + ("both" if has_layers else "neither"))
    code = None
    if has_code:
        code_node = node["code"]
        code = code_node.string()
        if len(code) > MAX_CODE:
            raise code_node.error(f"the code is longer than {MAX_CODE} characters")
        framework = _framework(node.get("framework"), code)
        first_line = code_node.line + (1 if code_node.node.style in ("|", ">") else 0)
        if framework == "pytorch":
            from examsolve.kinds.architecture.pytorch_code import read
        else:
            from examsolve.kinds.architecture.keras_code import read
        stack = read(code, code_node.file, first_line, "code")
        input_node = node.get("input")
        if input_node is not None:
            stack = Stack(_shape(input_node), stack.layers, Where(input_node.line, "input"))
        elif stack.input is None:
            raise node.error("PyTorch code needs `input:` (one example's shape, no batch axis)"
                             if framework == "pytorch" else "give `input:` or write the "
                             "shape in the code (Input(shape=…) or input_shape=…)")
    else:
        framework = _framework(node.get("framework"), None)
        layers = tuple(_layers(node["layers"]))
        stack = Stack(_shape(node["input"]), layers, Where(node["input"].line, "input"))
    n_layers = _check_size(stack, node)
    if has_code:
        _check_code_values(stack.layers, node.file)
    constraints = _constraints(node.get("constraints"))
    spec = ArchSpec(common, framework, stack, constraints, (), code)
    analysis = analyse(spec)  # raises SpecError for shapes that cannot flow
    unknowns = tuple(sorted(analysis.unknowns))
    if len(unknowns) > MAX_UNKNOWNS:
        raise node.error(f"at most {MAX_UNKNOWNS} unknown sizes, got {len(unknowns)}: "
                         f"{', '.join(unknowns)}")
    keys = analysis.answer_keys()
    for c in constraints:
        if c.key not in keys:
            close = difflib.get_close_matches(c.key, keys, n=1)
            more = f"; did you mean '{close[0]}'?" if close else ""
            raise SpecError(f"no answer named '{c.key}'{more}", common.file, c.where.line,
                            c.where.path)
    if unknowns and n_layers > MAX_LAYERS_WITH_UNKNOWNS:
        raise node.error(f"with unknown sizes at most {MAX_LAYERS_WITH_UNKNOWNS} layers, got "
                         f"{n_layers:,}")
    if unknowns and not constraints:
        raise node.error(f"{', '.join(unknowns)} {'is' if len(unknowns) == 1 else 'are'} "
                         "unknown: add `constraints:` (answer keys with known values, e.g. "
                         "params: 4400) to pin them")
    return ArchSpec(common, framework, stack, constraints, unknowns, code)


def _framework(node: SpecNode | None, code: str | None) -> str:
    if node is not None:
        return node.choice(FRAMEWORKS)
    if code is not None and ("keras" in code or "model.add(" in code or "Dense(" in code):
        return "keras"
    return "pytorch"


def _shape(node: SpecNode) -> tuple[Value, ...]:
    items = node.seq() if node.is_sequence else [node]
    if not items:
        raise node.error("expected one example's shape, e.g. [3, 32, 32]")
    return tuple(_size(item, "input", 1) for item in items)


def _size(node: SpecNode, what: str, minimum: int) -> Value:
    if node.is_scalar and node.node.tag == "tag:yaml.org,2002:str" and \
            NAME_RE.match(node.node.value.strip()) and not node.node.value.strip()[0].isdigit():
        return Unknown(node.node.value.strip())
    n = node.integer(minimum=minimum)
    if n >= MAX_SIZE:
        raise node.error(f"sizes must be below {MAX_SIZE:,}, got {n:,}")
    return n


def _layers(node: SpecNode) -> list[Layer]:
    items = node.seq()
    if not items:
        raise node.error("expected at least one layer")
    return [_layer(item) for item in items]


def _layer(node: SpecNode) -> Layer:
    where = Where(node.line, node.path)
    if node.is_scalar and not node.is_null:
        written = node.string().strip()
        op = _op(node, written)
        if op in BLOCKS:
            raise node.error(f"{op} needs its layers: `{op}: [...]`")
        missing = REQUIRED.get(op, ())
        if missing:
            raise node.error(f"{written} needs {', '.join(missing)}: write "
                             f"`{written}: {{{missing[0]}: …}}`")
        return Layer(op, (), where, written)
    if not node.is_mapping or len(node.keys()) != 1:
        raise node.error("a layer is a name (relu) or one name with its options "
                         "(conv2d: {out: 16, kernel: 3})")
    (written, options), = node.items()
    written = written.strip()
    op = _op(node, written)
    if op == "residual":
        return _residual(options, where, written)
    if op == "repeat":
        return _repeat(options, where, written)
    return _options(op, options, where, written)


def _op(node: SpecNode, written: str) -> str:
    op = canonical_layer(written)
    if op is None or op in ("view", "last_step"):
        raise node.error(f"unknown layer '{written}'{layer_hint(written)}")
    return op


def _options(op: str, node: SpecNode, where: Where, written: str) -> Layer:
    opts: list[tuple[str, Value]] = []
    name = None
    pairs = [] if node.is_null else list(node.items()) if node.is_mapping else None
    if pairs is None:
        raise node.error(f"expected the options of {written} as a mapping, e.g. "
                         f"{{{next(iter(OPTIONS[op]), 'p')}: …}}, got {node.type_name}")
    seen: set[str] = set()
    for key, value in pairs:
        if key == "name":
            name = value.name()
            continue
        canon = canonical_option(op, key)
        if canon is None:
            raise value.error(f"unknown option '{key}' for {written}{option_hint(op, key)}")
        if canon in seen:
            raise value.error(f"'{key}' repeats an option already given")
        seen.add(canon)
        opts.append((canon, _value(op, canon, key, value)))
    for key in REQUIRED.get(op, ()):
        if key not in seen:
            raise node.error(f"{written} needs `{key}`")
    return Layer(op, tuple(opts), where, written, name)


def _value(op: str, canon: str, key: str, node: SpecNode) -> Value:
    if canon in _BOOL_OPTIONS:
        return node.boolean()
    if canon == "output" and key == "return_sequences":
        return "sequence" if node.boolean() else "last"
    if canon == "p":
        p = node.number()
        if not 0 <= p <= 1:
            raise node.error(f"a dropout probability is between 0 and 1, got {p}")
        return str(node.node.value)
    words = _WORDS.get(canon, ())
    if canon == "output" and op.startswith("adaptive"):
        words = ()
    if node.is_scalar and node.node.value in words:
        return node.node.value
    if canon == "output" and op in ("rnn", "lstm", "gru"):
        return node.choice(words)
    minimum = option_minimum(op, canon) or 0
    if node.is_sequence:
        items = node.seq()
        if len(items) not in (1, 2) or canon in ("out", "hidden", "heads", "vocab", "dim",
                                                 "layers", "groups"):
            raise node.error(f"{key} takes one number" + (" or a pair (one per axis)"
                                                          if canon not in ("out",) else ""))
        return tuple(_size(i, key, minimum) for i in items)
    if canon == "padding" and node.is_scalar and not node.node.value.lstrip("-").isdigit() \
            and not NAME_RE.match(node.node.value):
        raise node.error(f"expected a whole number ≥ 0, a pair, \"same\" or \"valid\", got "
                         f"'{node.node.value}'")
    return _size(node, key, minimum)


def _residual(node: SpecNode, where: Where, written: str) -> Layer:
    if node.is_sequence:
        return Layer("residual", (), where, written, body=tuple(_layers(node)))
    node.check_keys(("layers", "shortcut", "name"), required=("layers",))
    name = node["name"].name() if "name" in node else None
    shortcut = tuple(_layers(node["shortcut"])) if "shortcut" in node else ()
    return Layer("residual", (), where, written, name, tuple(_layers(node["layers"])), shortcut)


def _repeat(node: SpecNode, where: Where, written: str) -> Layer:
    node.check_keys(("times", "layers", "name"), required=("times", "layers"))
    times = node["times"].integer(minimum=1, maximum=MAX_LAYERS)
    name = node["name"].name() if "name" in node else None
    return Layer("repeat", (), where, written, name, tuple(_layers(node["layers"])), (), times)


def _count(layers: tuple[Layer, ...]) -> int:
    return sum(max(1, (_count(l.body) + _count(l.shortcut)) * l.times) for l in layers)


def _check_code_values(layers: tuple[Layer, ...], file: str) -> None:
    """Sizes written in code get the limits YAML sizes get (whole, in range, below 10⁹)."""
    for layer in layers:
        for key, value in layer.opts:
            minimum = option_minimum(layer.op, key)
            if minimum is None:
                continue
            for item in (value if isinstance(value, tuple) else (value,)):
                if isinstance(item, bool) or not isinstance(item, int):
                    if isinstance(item, Unknown) or (key == "padding" and item in ("same", "valid")):
                        continue
                    raise SpecError(f"{layer.code or layer.written}: {key} must be a whole "
                                    f"number, got {item!r}", file, layer.where.line,
                                    layer.where.path)
                if not minimum <= item < MAX_SIZE:
                    raise SpecError(f"{layer.code or layer.written}: {key} must be a whole number "
                                    f"from {minimum} to {MAX_SIZE - 1:,}, got {item:,}", file,
                                    layer.where.line, layer.where.path)


def _check_size(stack: Stack, node: SpecNode) -> int:
    n = _count(stack.layers)
    if n > MAX_LAYERS:
        raise node.error(f"the network has {n:,} layers after repeats; at most {MAX_LAYERS:,}")
    names: dict[str, Where] = {}

    def visit(layers: tuple[Layer, ...]) -> None:
        for layer in layers:
            if layer.name is not None and layer.code is None:  # code may call a module twice
                if layer.name in names:
                    raise SpecError(f"the name '{layer.name}' is already used (line "
                                    f"{names[layer.name].line})", node.file, layer.where.line,
                                    layer.where.path)
                names[layer.name] = layer.where
            visit(layer.body)
            visit(layer.shortcut)
    visit(stack.layers)
    return n


def _constraints(node: SpecNode | None) -> tuple[Constraint, ...]:
    if node is None:
        return ()
    if not node.is_mapping:
        raise node.error(f"expected a mapping of answer keys to known values, got "
                         f"{node.type_name}")
    node.check_keys(node.keys())  # duplicates
    out = []
    for key, value in node.items():
        where = Where(value.line, value.path)
        if value.is_sequence:
            out.append(Constraint(key.strip(), tuple(v.integer(minimum=0) for v in value.seq()),
                                  where))
        else:
            out.append(Constraint(key.strip(), value.integer(minimum=0), where))
    return tuple(out)

