"""Reading an optimizer spec: the model (the shared model language), the optimizer and its
options, the data and how it is batched, or the sequence an EWMA averages.

Every option is checked against the optimizer that reads it (`beta1` on `sgd` is a mistake,
not something to ignore), and every default is PyTorch's, recorded so the derivation can say
which values it assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from examsolve.autodiff.values import new_name, read_matrix, read_values
from examsolve.spec import SpecNode
from examsolve.wording import hint, listing, number

if TYPE_CHECKING:
    from examsolve.autodiff.parse import Line
    from examsolve.autodiff.program import Matrix
    from examsolve.spec.common import Common

Number = Fraction | float

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "ewma")
CONVENTIONS = ("pytorch", "ema", "classical")
# The options each optimizer reads, besides `lr` (every one but ewma).
OPTIONS: dict[str, tuple[str, ...]] = {
    "sgd": ("lr", "weight_decay"),
    "momentum": ("lr", "momentum", "convention", "weight_decay"),
    "nesterov": ("lr", "momentum", "weight_decay"),
    "adagrad": ("lr", "eps", "eps_inside", "weight_decay"),
    "rmsprop": ("lr", "beta", "eps", "eps_inside", "weight_decay"),
    "adam": ("lr", "beta1", "beta2", "eps", "eps_inside", "weight_decay", "bias_correction"),
    "adamw": ("lr", "beta1", "beta2", "eps", "eps_inside", "weight_decay", "bias_correction"),
    "ewma": ("beta", "bias_correction"),
}
ALL_OPTIONS = ("lr", "momentum", "convention", "beta", "beta1", "beta2", "eps", "eps_inside",
               "weight_decay", "bias_correction")
# PyTorch's defaults (torch.optim), except momentum's: its 0 would make `momentum` plain SGD.
# sgd, momentum and nesterov have no default learning rate: an exam always gives one.
DEFAULTS: dict[str, dict[str, object]] = {
    "sgd": {"weight_decay": Fraction(0)},
    "momentum": {"momentum": Fraction(9, 10), "convention": "pytorch",
                 "weight_decay": Fraction(0)},
    "nesterov": {"momentum": Fraction(9, 10), "weight_decay": Fraction(0)},
    "adagrad": {"lr": Fraction(1, 100), "eps": Fraction(1, 10**10), "eps_inside": False,
                "weight_decay": Fraction(0)},
    "rmsprop": {"lr": Fraction(1, 100), "beta": Fraction(99, 100), "eps": Fraction(1, 10**8),
                "eps_inside": False, "weight_decay": Fraction(0)},
    "adam": {"lr": Fraction(1, 1000), "beta1": Fraction(9, 10), "beta2": Fraction(999, 1000),
             "eps": Fraction(1, 10**8), "eps_inside": False, "weight_decay": Fraction(0),
             "bias_correction": True},
    "adamw": {"lr": Fraction(1, 1000), "beta1": Fraction(9, 10), "beta2": Fraction(999, 1000),
              "eps": Fraction(1, 10**8), "eps_inside": False, "weight_decay": Fraction(1, 100),
              "bias_correction": True},
    "ewma": {"beta": Fraction(9, 10), "bias_correction": False},
}

# Caps: nothing accepted may take more than a few seconds. `work` counts the model's
# entries (leaves and lines) times the samples evaluated over all steps.
MAX_STEPS = 10_000
MAX_EVALUATIONS = 20_000  # forward+backward passes (steps × batch size)
MAX_WORK = 300_000_000
MAX_SAMPLES = 10_000
MAX_SEQUENCE = 10_000
MAX_ENTRIES = 1_000_000  # entries of all given and parameter values together


@dataclass(frozen=True)
class OptimizerSpec:
    common: Common
    optimizer: str
    options: tuple[tuple[str, object], ...]  # every option the optimizer reads, filled in
    defaulted: tuple[str, ...]  # the options taken from DEFAULTS (the derivation says so)
    given: tuple[tuple[str, Matrix], ...] = ()
    parameters: tuple[tuple[str, Matrix], ...] = ()
    lines: tuple[Line, ...] = ()
    loss: str = ""
    data: tuple[tuple[tuple[str, Matrix], ...], ...] = ()  # samples, each name → value
    batch: int | None = 1  # samples per step; None: all of them (full-batch GD)
    steps: int = 0
    epochs: int | None = None
    sequence: tuple[Number, ...] = ()
    relu_grad_at_zero: int = 0

    def option(self, key: str) -> object:
        return dict(self.options)[key]

    @property
    def batch_size(self) -> int:
        """Samples per step (1 without data)."""
        if not self.data:
            return 1
        return len(self.data) if self.batch is None else min(self.batch, len(self.data))


def load(node: SpecNode, common: Common) -> OptimizerSpec:
    """Validate the spec into an OptimizerSpec (SpecError naming file, line and path)."""
    optimizer = node["optimizer"].choice(OPTIMIZERS)
    options, defaulted = _options(node, optimizer)
    if optimizer == "ewma":
        return _load_ewma(node, common, options, defaulted)
    for key in ("sequence",):
        if key in node:
            raise node[key].error(f"`{key}` is for `optimizer: ewma`; {optimizer} steps a "
                                  "model")
    return _load_model(node, common, optimizer, options, defaulted)


def _options(node: SpecNode, optimizer: str) -> tuple[tuple[tuple[str, object], ...],
                                                       tuple[str, ...]]:
    reads = OPTIONS[optimizer]
    out: dict[str, object] = {}
    for key in ALL_OPTIONS:
        if key in node and key not in reads:
            raise node[key].error(f"`{key}` is not an option of {optimizer}; it reads "
                                  f"{listing(f'`{k}`' for k in reads)}{hint(key, reads)}")
    defaulted = []
    for key in reads:
        if key not in node:
            if key not in DEFAULTS[optimizer]:
                raise node.error(f"missing required key '{key}' ({optimizer} has no default "
                                 "learning rate)")
            out[key] = DEFAULTS[optimizer][key]
            defaulted.append(key)
            continue
        child = node[key]
        if key == "convention":
            out[key] = child.choice(CONVENTIONS)
        elif key in ("eps_inside", "bias_correction"):
            out[key] = child.boolean()
        else:
            out[key] = _option_number(child, key)
    return tuple((k, out[k]) for k in reads), tuple(defaulted)


def _option_number(child: SpecNode, key: str) -> Number:
    q = child.number()
    if isinstance(q, float):  # only inf and nan are read as floats
        raise child.error(f"{key} must be a finite number, got {q}")
    if key == "lr" and not q > 0:
        raise child.error(f"the learning rate must be > 0, got {number(q)}")
    if key in ("momentum", "beta", "beta1", "beta2") and not 0 <= q < 1:
        raise child.error(f"{key} must be in [0, 1), got {number(q)}")
    if key in ("eps", "weight_decay") and not q >= 0:
        raise child.error(f"{key} must be ≥ 0, got {number(q)}")
    return q


def _load_ewma(node: SpecNode, common: Common, options, defaulted) -> OptimizerSpec:  # type: ignore[no-untyped-def]
    for key in ("model", "parameters", "given", "data", "batch", "steps", "epochs"):
        if key in node:
            raise node[key].error(f"`{key}` is not read by `optimizer: ewma`, which averages a "
                                  "`sequence:` of numbers")
    seq_node = node["sequence"]
    items = seq_node.seq()
    if not items:
        raise seq_node.error("expected a list of numbers, got an empty list")
    if len(items) > MAX_SEQUENCE:
        raise seq_node.error(f"at most {MAX_SEQUENCE} numbers, got {len(items)}")
    values = []
    for item in items:
        q = item.number()
        if isinstance(q, float) and not abs(q) < float("inf"):
            raise item.error(f"expected a finite number, got {q}")
        values.append(q)
    return OptimizerSpec(common, "ewma", options, defaulted, sequence=tuple(values),
                         steps=len(values))


def _load_model(node: SpecNode, common: Common, optimizer: str, options,  # type: ignore[no-untyped-def]
                defaulted) -> OptimizerSpec:
    import numpy as np

    from examsolve.autodiff.parse import Line, ModelContext, parse_line, shape_text

    total = sum(child.entry_count() for key in ("given", "parameters")
                if node.get(key) is not None and node[key].is_mapping
                for _, child in node[key].items())
    if total > MAX_ENTRIES:
        raise node.error(f"at most {MAX_ENTRIES:,} given and parameter entries, got "
                         f"about {total:,}")
    floats = total > 20_000  # big blocks read as float64 (the work is in float64 anyway)
    kinds: dict[str, str] = {}
    given = read_values(node.get("given"), "given", kinds, floats)
    if "parameters" not in node:
        raise node.error("missing required key 'parameters' (the values the optimizer "
                         "trains)")
    parameters = read_values(node["parameters"], "parameter", kinds, floats)
    if not parameters:
        raise node["parameters"].error("expected at least one parameter to train")
    data = _data(node.get("data"), kinds)
    shapes = {name: (len(mx), len(mx[0])) for name, mx in given + parameters}
    if data:
        shapes.update({name: (len(mx), len(mx[0])) for name, mx in data[0]})
    values = {name: np.array(mx, dtype=object) for name, mx in given + parameters}
    if data:
        values.update({name: np.array(mx, dtype=object) for name, mx in data[0]})
    ctx = ModelContext(shapes, kinds, values, {}, common.indexing)
    model = node["model"]
    items = model.seq() if model.is_sequence else None
    if not items:
        raise model.error("expected a list of model lines like `- L = (2*p + 3) * (2*p + 3)`")
    lines: list[Line] = []
    for item in items:
        parsed = parse_line(item.string(), ctx, lambda msg, item=item: item.error(msg))
        lines.append(Line(parsed.name, parsed.expr, parsed.text, item.line, item.path,
                          parsed.shape))
        shapes[parsed.name], kinds[parsed.name] = parsed.shape, "line"
    loss = lines[-1]
    if loss.shape != (1, 1):
        raise items[-1].error(f"the last line is the loss and must be a single number; "
                              f"{loss.name} is {shape_text(loss.shape)}")
    batch = _batch(node, data)
    steps, epochs = _steps(node, data, batch)
    spec = OptimizerSpec(common, optimizer, options, defaulted, given, parameters,
                         tuple(lines), loss.name, data, batch, steps, epochs,
                         relu_grad_at_zero=_relu0(node))
    _check_work(node, spec, shapes)
    return spec


def _relu0(node: SpecNode) -> int:
    if "relu_grad_at_zero" not in node:
        return 0
    value = node["relu_grad_at_zero"].integer()
    if value not in (0, 1):
        raise node["relu_grad_at_zero"].error(f"expected 0 or 1, got {value}")
    return value


def _data(node: SpecNode | None, kinds: dict[str, str]) -> tuple:
    """The samples: a list of mappings with the same names and shapes in each."""
    if node is None:
        return ()
    items = node.seq()
    if not items:
        raise node.error("expected a list of samples, got an empty list")
    if len(items) > MAX_SAMPLES:
        raise node.error(f"at most {MAX_SAMPLES} samples, got {len(items)}")
    samples = []
    names: list[str] | None = None
    shapes: dict[str, tuple[int, int]] = {}
    for item in items:
        if not item.is_mapping:
            raise item.error(f"expected a sample: a mapping of given values like "
                             f"{{x: 1, y: 2}}, got {item.type_name}")
        item.check_keys(item.keys())
        keys = item.keys()
        if names is None:
            names = keys
            for name, child in item.items():
                new_name(name, child, kinds, "data value")
        elif sorted(keys) != sorted(names):
            raise item.error(f"every sample needs the same names as the first "
                             f"({', '.join(names)}), got {', '.join(keys) or 'none'}")
        sample = []
        for name in names:
            mx = read_matrix(item[name], False)
            shape = (len(mx), len(mx[0]))
            if shapes.setdefault(name, shape) != shape:
                raise item[name].error(f"{name} is {shape[0]}×{shape[1]} here but "
                                       f"{shapes[name][0]}×{shapes[name][1]} in the first "
                                       "sample")
            sample.append((name, mx))
        samples.append(tuple(sample))
    return tuple(samples)


def _batch(node: SpecNode, data: tuple) -> int | None:
    if "batch" not in node:
        return 1
    child = node["batch"]
    if not data:
        raise child.error("`batch` needs `data:` (a list of samples) to draw batches from")
    if child.is_scalar and child.node.value == "all":
        return None
    if child.is_scalar and child.node.tag == "tag:yaml.org,2002:str":
        raise child.error(f"expected a whole number ≥ 1 or `all`, got '{child.node.value}'")
    size = child.integer(minimum=1)
    if size > len(data):
        raise child.error(f"a batch of {size} but only {len(data)} samples in `data`")
    return size


def _steps(node: SpecNode, data: tuple, batch: int | None) -> tuple[int, int | None]:
    if "steps" in node and "epochs" in node:
        raise node["epochs"].error("give `steps` or `epochs`, not both")
    if "epochs" in node:
        if not data:
            raise node["epochs"].error("`epochs` counts passes over `data:`, and there is no "
                                       "data; give `steps`")
        epochs = node["epochs"].integer(minimum=1, maximum=MAX_STEPS)
        size = len(data) if batch is None else batch
        per_epoch = -(-len(data) // size)
        if epochs * per_epoch > MAX_STEPS:
            raise node["epochs"].error(f"{epochs} epochs of {per_epoch} steps are "
                                       f"{epochs * per_epoch} updates; at most {MAX_STEPS}")
        return epochs * per_epoch, epochs
    if "steps" not in node:
        raise node.error("missing required key 'steps' (or `epochs` with `data`)")
    child = node["steps"]
    steps = child.integer(minimum=1)
    if steps > MAX_STEPS:
        raise child.error(f"at most {MAX_STEPS} steps, got {steps}")
    return steps, None


def _check_work(node: SpecNode, spec: OptimizerSpec, shapes: dict[str, tuple[int, int]]) -> None:
    evaluations = spec.steps * spec.batch_size
    field = node["epochs"] if spec.epochs is not None else node["steps"]
    if evaluations > MAX_EVALUATIONS:
        raise field.error(f"{spec.steps} steps of {spec.batch_size} samples are {evaluations} "
                          f"forward and backward passes; at most {MAX_EVALUATIONS}")
    entries = sum(r * c for r, c in shapes.values())
    if entries * evaluations > MAX_WORK:
        raise field.error(f"{spec.steps} steps of {spec.batch_size} samples on a model of "
                          f"{entries:,} entries is too much work (at most {MAX_WORK:,} "
                          "entry-passes)")
