"""The experiment behind the complexity curve: polynomial least squares on seeded 1-D data.

Data protocol (every number the kind prints comes from exactly this; a test re-implements it):

    rng = numpy.random.default_rng(seed)
    x_test  = rng.uniform(a, b, size=m)                      # one held-out set, kept fixed
    y_test  = f(x_test) + σ · rng.standard_normal(m)
    X       = rng.uniform(a, b, size=(R, n))                 # R fresh training sets of n points
    Y       = f(X) + σ · rng.standard_normal((R, n))
    X2, Y2  = the same for n₂ points                         # only when "more data" is shown

Every degree and every ridge strength is fitted to the same R training sets, so the curves
differ only by the model (common random numbers), and training error is exactly
non-increasing in the degree (nested least-squares problems on the same points).

Model of degree d: p(x) = Σ_{k=0..d} c_k P_k(t), P_k the Legendre polynomials, t = 2(x − a)/(b − a) − 1
∈ [−1, 1]. This spans the same functions as 1, x, …, x^d (so the λ = 0 fit is the ordinary
polynomial least-squares fit), but its design matrix stays well conditioned at high degree.
The coefficients minimise (1/n) Σ_i (y_i − p(x_i))² + λ Σ_{k≥1} c_k² (the constant is not
penalised), solved as the least-squares problem [Φ/√n; √λ·D] c ≈ [y/√n; 0] by QR, or by
the SVD pseudo-inverse (the minimum-norm interpolant) when d + 1 > n.

Estimates over the R repeats, with p̄(x) = mean_r p_r(x) and averages over the m test points:
    test MSE  = mean_{r,j} (y_j − p_r(x_j))²                 (its median over r is also kept)
    variance  = mean_j (1/(R − 1)) Σ_r (p_r(x_j) − p̄(x_j))²   (unbiased for Var p̂)
    bias²     = mean_j (p̄(x_j) − f(x_j))² − variance/R      (unbiased for (E p̂ − f)²)
    noise     = mean_j (y_j − f(x_j))²                       (σ² realised on the test set)
(p̄ − f)² alone overstates bias² by the sampling variance of p̄, Var p̂ / R; subtracting it
leaves bias² + variance unchanged, so exactly
    test MSE = bias² + variance + noise + 2·mean_j (y_j − f(x_j))(f(x_j) − p̄(x_j)),
and the last (cross) term has mean 0 and shrinks like 1/√m. A bias² estimate below its own
correction variance/R is reported as unresolved: it is sampling noise, not bias.

Cross-validation (plain least squares only): each training set is split into K = 5 folds,
point i in fold i mod K (the points are i.i.d., so this is a random split); every fold is
predicted by the fit to the other folds, and CV MSE is the mean of those squared errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre

from examsolve.kinds.complexity_curve.shape import Regions, find_regions, simplest_best
from examsolve.kinds.complexity_curve.target import TargetFunction

# QR is used when |R_kk| ≥ this × max |R_kk| for every fit; else the SVD pseudo-inverse.
RANK_TOLERANCE = 1e-10
# Errors within this fraction of mean(y²) of each other are equal up to rounding: with no
# noise and a polynomial truth every degree above it fits to ~1e-30, and the "best" of those
# is the simplest, not the one rounding happened to favour.
ROUNDING_FLOOR = 1e-10
# Folds of the cross-validation run on each training set (fewer if n is smaller).
CV_FOLDS = 5


@dataclass(frozen=True)
class Task:
    """The 1-D regression task: y = f(x) + ε, ε ~ N(0, σ²), x ~ U(a, b)."""

    function: TargetFunction
    noise: float
    train: int
    test: int
    seed: int
    domain: tuple[float, float]


@dataclass(frozen=True)
class Design:
    """What the experiment varies: degrees, ridge strengths, a second training size."""

    task: Task
    degrees: tuple[int, ...]
    repeats: int
    strengths: tuple[float, ...]  # ridge strengths > 0, each an extra curve (λ = 0 is always run)
    more_train: int | None  # a second, larger training size, or None


@dataclass(frozen=True)
class Data:
    x_test: np.ndarray
    y_test: np.ndarray
    f_test: np.ndarray
    train: tuple[np.ndarray, np.ndarray]  # X, Y: (R, n)
    more: tuple[np.ndarray, np.ndarray] | None  # X2, Y2: (R, n₂)


@dataclass(frozen=True, eq=False)
class Curve:
    """One model family's measurements, each an array over the degrees."""

    train_size: int
    strength: float
    train_mse: np.ndarray
    test_mse: np.ndarray
    bias2: np.ndarray  # corrected (unbiased) estimate; may be < 0 where unresolved
    variance: np.ndarray  # unbiased (R − 1) estimate
    cross: np.ndarray  # 2·mean (y − f)(f − p̄): what separates the decomposition from test MSE
    set_test_mse: np.ndarray  # (degrees, R): the test MSE of each training set's fit
    x_span: np.ndarray  # (R, 2): the smallest and largest x of each training set
    cv_mse: np.ndarray | None = None  # (degrees, R): K-fold cross-validation MSE

    floor: float = 0.0  # errors closer than this are equal up to rounding (see simplest_best)

    def best_index(self) -> int:
        """The degree index of the lowest test MSE (the simplest model on a rounding tie)."""
        return simplest_best(self.test_mse, self.floor)

    def regions(self, degrees: tuple[int, ...]) -> Regions:
        """Under-, good-, overfitting by the mean test MSE (shape.py's rules)."""
        return find_regions(self.test_mse, degrees, self.floor)

    @property
    def test_mse_median(self) -> np.ndarray:
        return np.median(self.set_test_mse, axis=1)

    @property
    def resolved(self) -> np.ndarray:
        """Where the bias² estimate exceeds its own sampling error variance/R."""
        return self.bias2 >= self.variance / self.set_test_mse.shape[1]

    def worst_share(self) -> np.ndarray:
        """Per degree, the fraction of the mean test MSE that the worst training set gives."""
        total = self.set_test_mse.sum(axis=1)
        return np.divide(self.set_test_mse.max(axis=1), total, out=np.zeros_like(total),
                         where=total > 0)

    def tied(self, band: float) -> tuple[int, ...]:
        """Indices whose test MSE is within `band` (a fraction) of the minimum."""
        low = float(np.min(self.test_mse))
        return tuple(int(i) for i in np.flatnonzero(self.test_mse <= low * (1 + band)
                                                     + self.floor))


@dataclass(frozen=True, eq=False)
class Experiment:
    design: Design
    noise: float  # σ² realised on the test set
    plain: Curve  # λ = 0, n training points: the curve the answers describe
    ridge: tuple[Curve, ...]
    more: Curve | None


def draw_data(design: Design) -> Data:
    """The seeded data, in the order the module docstring fixes."""
    task = design.task
    a, b = task.domain
    rng = np.random.default_rng(task.seed)
    x_test = rng.uniform(a, b, size=task.test)
    f_test = task.function(x_test)
    y_test = f_test + task.noise * rng.standard_normal(task.test)
    train = _training_sets(rng, task, design.repeats, task.train)
    more = None
    if design.more_train is not None:
        more = _training_sets(rng, task, design.repeats, design.more_train)
    return Data(x_test, y_test, f_test, train, more)


def _training_sets(rng: np.random.Generator, task: Task, repeats: int,
                   size: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = task.domain
    x = rng.uniform(a, b, size=(repeats, size))
    y = task.function(x) + task.noise * rng.standard_normal((repeats, size))
    return x, y


def legendre_features(x: np.ndarray, degree: int, domain: tuple[float, float]) -> np.ndarray:
    """Φ[..., k] = P_k(t), t = 2(x − a)/(b − a) − 1, for k = 0..degree."""
    a, b = domain
    return legendre.legvander(2 * (x - a) / (b - a) - 1, degree)


def fit_degrees(features: np.ndarray, y: np.ndarray, strength: float,
                degrees: tuple[int, ...]) -> list[np.ndarray]:
    """For each degree d, coefficients c (R, d+1) minimising (1/n)‖y − Φ_d c‖² + λ Σ_{k≥1} c_k².

    Φ_d is the first d + 1 columns of `features` (R, n, K). Each fit is one least-squares
    problem A c ≈ r, A = [Φ_d/√n; √λ·D], r = [y/√n; 0] (D = diag(0, 1, …, 1) without its
    zero row), solved by Householder QR, A = QR, c = R⁻¹Qᵀr — never by the normal equations,
    which square the condition number. The models are nested, and so is QR: the factors of
    A's first d + 1 columns are the leading blocks of the factors of all K columns, so one
    factorisation serves every degree. A degree whose R block is (numerically) singular —
    d + 1 > n, or repeated points — is solved by the SVD pseudo-inverse instead, which gives
    the minimum-norm solution.
    """
    repeats, n, width = features.shape
    a, rhs = features / np.sqrt(n), y / np.sqrt(n)
    if strength > 0 and width > 1:
        # Rows for columns beyond d are zero in Φ_d's problem, which leaves its solution alone.
        penalty = np.sqrt(strength) * np.eye(width)[1:]
        a = np.concatenate([a, np.broadcast_to(penalty, (repeats, width - 1, width))], axis=1)
        rhs = np.concatenate([rhs, np.zeros((repeats, width - 1))], axis=1)
    q, r = np.linalg.qr(a)  # reduced: q (R, rows, k), r (R, k, K), k = min(rows, K)
    q_rhs = np.einsum("rmk,rm->rk", q, rhs)
    diagonal = np.abs(np.diagonal(r, axis1=1, axis2=2))
    coefficients = []
    for d in degrees:
        w = d + 1
        block = diagonal[:, :w]
        if w <= diagonal.shape[1] and np.all(block.min(axis=1) > RANK_TOLERANCE *
                                              block.max(axis=1)):
            coefficients.append(np.linalg.solve(r[:, :w, :w], q_rhs[:, :w, None])[..., 0])
        else:
            coefficients.append((np.linalg.pinv(a[:, :, :w]) @ rhs[..., None])[..., 0])
    return coefficients


def measure(design: Design, data: Data, train: tuple[np.ndarray, np.ndarray],
            strength: float, cross_validate: bool = False) -> Curve:
    """Fit every degree to every training set; the estimates of the module docstring."""
    x, y = train
    n = x.shape[1]
    top = max(design.degrees)
    phi_train = legendre_features(x, top, design.task.domain)
    phi_test = legendre_features(data.x_test, top, design.task.domain)
    repeats = x.shape[0]
    rows: dict[str, list] = {k: [] for k in ("train", "sets", "bias2", "var", "cross")}
    residual_noise = data.y_test - data.f_test
    fits = fit_degrees(phi_train, y, strength, design.degrees)
    for d, coef in zip(design.degrees, fits):
        train_resid = y - np.einsum("rnk,rk->rn", phi_train[..., : d + 1], coef)
        predictions = coef @ phi_test[:, : d + 1].T  # (R, m)
        mean_prediction = predictions.mean(axis=0)
        spread = np.mean((predictions - mean_prediction) ** 2) * repeats / (repeats - 1)
        rows["train"].append(np.mean(train_resid ** 2))
        rows["sets"].append(np.mean((data.y_test - predictions) ** 2, axis=1))
        rows["bias2"].append(np.mean((mean_prediction - data.f_test) ** 2) - spread / repeats)
        rows["var"].append(spread)
        rows["cross"].append(2 * np.mean(residual_noise * (data.f_test - mean_prediction)))
    sets = np.array(rows["sets"])
    return Curve(
        train_size=n, strength=strength,
        train_mse=np.array(rows["train"]), test_mse=sets.mean(axis=1),
        bias2=np.array(rows["bias2"]), variance=np.array(rows["var"]),
        cross=np.array(rows["cross"]), set_test_mse=sets,
        x_span=np.stack([x.min(axis=1), x.max(axis=1)], axis=1),
        cv_mse=_cross_validate(phi_train, y, design.degrees) if cross_validate else None,
        floor=ROUNDING_FLOOR * float(np.mean(data.y_test ** 2)),
    )


def _cross_validate(phi: np.ndarray, y: np.ndarray, degrees: tuple[int, ...]) -> np.ndarray:
    """K-fold CV MSE (degrees, R) for λ = 0: point i is in fold i mod K; each fold is
    predicted by the fit to the other K − 1 folds. K = min(CV_FOLDS, n)."""
    n = y.shape[1]
    folds = min(CV_FOLDS, n)
    fold_of = np.arange(n) % folds
    squared_errors = np.empty((len(degrees),) + y.shape)
    for k in range(folds):
        held, kept = fold_of == k, fold_of != k
        fits = fit_degrees(phi[:, kept], y[:, kept], 0.0, degrees)
        for i, (d, coef) in enumerate(zip(degrees, fits)):
            predicted = np.einsum("rnk,rk->rn", phi[:, held, : d + 1], coef)
            squared_errors[i][:, held] = (y[:, held] - predicted) ** 2
    return squared_errors.mean(axis=2)


def run(design: Design) -> Experiment:
    """The whole experiment: plain least squares, each ridge strength, the larger training set."""
    data = draw_data(design)
    plain = measure(design, data, data.train, 0.0, cross_validate=True)
    ridge = tuple(measure(design, data, data.train, lam) for lam in design.strengths)
    more = measure(design, data, data.more, 0.0) if data.more is not None else None
    noise = float(np.mean((data.y_test - data.f_test) ** 2))
    return Experiment(design, noise, plain, ridge, more)


def cv_choice(curve: Curve) -> np.ndarray | None:
    """Per training set, the degree index with the lowest cross-validation MSE."""
    if curve.cv_mse is None:
        return None
    return np.array([simplest_best(cv, curve.floor) for cv in curve.cv_mse.T])


def parity_about_centre(task: Task) -> str | None:
    """"odd" when f(a + b − x) = −f(x) on the domain, "even" when f(a + b − x) = f(x), else None.

    P_k(t) is even in t for even k and odd for odd k, and t ↦ −t is x ↦ a + b − x: an odd f
    is orthogonal to every even P_k, so an even term cannot reduce its bias (and vice versa).
    Checked on a grid to rounding accuracy.
    """
    a, b = task.domain
    x = np.linspace(a, b, 257)
    f, mirrored = task.function(x), task.function(a + b - x)
    scale = float(np.max(np.abs(f)))
    if scale == 0:
        return None
    tolerance = 1e-9 * scale
    if np.max(np.abs(f + mirrored)) <= tolerance:
        return "odd"
    if np.max(np.abs(f - mirrored)) <= tolerance:
        return "even"
    return None
