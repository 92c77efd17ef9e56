"""Command line of the statistics core: ``manyi stats <command> --input FILE``.

Each command reads one JSON object (``--input -`` for stdin) and prints one JSON
object on stdout.  Bad input prints a one-line ``manyi stats: error: <field>: …``
message on stderr and returns 2; nothing here ever shows a traceback for bad input.

Commands (see ``docs/decisions/0003-statistics-core.md`` and each function's doc):
``score --method level-points|rate-loyalty|top2box-ka|blend|item-average|item-percent|grade``,
``spc``, ``pareto``, ``proportion-ci``, ``proportion-test``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from manyi.stats import _validate as v
from manyi.stats import grades, pareto, proportions, scoring
from manyi.stats.errors import StatsInputError
from manyi.stats.spc import charts
from manyi.stats.spc.charts import ChartResult, Phase2

PROG = "manyi stats"
EXIT_BAD_INPUT = 2

Json = dict[str, Any]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


class _Fields:
    """Read fields of the input object; unknown fields are an error (typos surface)."""

    def __init__(self, data: object, allowed: Sequence[str]) -> None:
        if not isinstance(data, dict):
            raise StatsInputError(f"input: must be a JSON object, got {type(data).__name__}")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise StatsInputError(
                f"{unknown[0]}: unknown field (expected one of: {', '.join(allowed)})"
            )
        self.data: dict[str, Any] = data

    def required(self, name: str) -> Any:
        if name not in self.data or self.data[name] is None:
            raise StatsInputError(f"{name}: required")
        return self.data[name]

    def optional(self, name: str, default: Any = None) -> Any:
        value = self.data.get(name)
        return default if value is None else value

    def text(self, name: str, default: str | None = None) -> str:
        value = self.optional(name, default) if default is not None else self.required(name)
        if not isinstance(value, str):
            raise StatsInputError(f"{name}: must be a string")
        return value


# --- score -------------------------------------------------------------------------


def _score_level_points(f: _Fields) -> Json:
    answers = v.sequence(f.required("answers"), "answers", min_length=0)
    result = scoring.level_points(
        answers,  # type: ignore[arg-type]  # checked element-wise by level_points
        f.optional("points", scoring.DEFAULT_LEVEL_POINTS),
    )
    return {
        "answered": result.answered,
        "points": result.points,
        "degree": result.degree,
        "rate": result.rate,
    }


def _score_rate_loyalty(f: _Fields) -> Json:
    result = scoring.rate_loyalty(
        v.numbers(f.required("scores"), "scores"),
        f.optional("rate_above", 80),
        f.optional("loyalty_above", 90),
    )
    return {"customers": result.customers, "rate": result.rate, "loyalty": result.loyalty}


def _score_top2box(f: _Fields) -> Json:
    customers = []
    for i, raw in enumerate(v.sequence(f.required("customers"), "customers")):
        field = f"customers[{i}]"
        c = _Fields(raw, ["id", "key_account", "answers"]) if isinstance(raw, dict) else None
        if c is None:
            raise StatsInputError(f"{field}: must be an object with id, key_account, answers")
        ident = c.required("id")
        if isinstance(ident, bool) or not isinstance(ident, (str, int)):
            raise StatsInputError(f"{field}.id: must be a string")
        key = c.optional("key_account", False)
        if not isinstance(key, bool):
            raise StatsInputError(f"{field}.key_account: must be true or false")
        answers = v.sequence(c.required("answers"), f"{field}.answers", min_length=0)
        customers.append(scoring.CustomerAnswers(str(ident), tuple(answers), key))  # type: ignore[arg-type]
    result = scoring.top2box_ka(customers, f.optional("ka_weight", 2))
    return {
        "score": result.score,
        "customers": [{"id": c.id, "ratio": c.ratio, "weight": c.weight} for c in result.customers],
    }


def _score_blend(f: _Fields) -> Json:
    return {
        "overall": scoring.blend(
            f.required("self"), f.required("survey"), f.optional("self_weight", 0.4)
        )
    }


def _score_item_average(f: _Fields) -> Json:
    result = scoring.item_average(f.required("maxima"), f.required("forms"))
    return {
        "item_averages": list(result.item_averages),
        "item_percent": list(result.item_percent),
        "overall": result.overall,
        "form_totals": list(result.form_totals),
    }


def _score_item_percent(f: _Fields) -> Json:
    return {"percent": scoring.item_percent(f.required("score"), f.required("maximum"))}


def _score_grade(f: _Fields) -> Json:
    spec = f.optional("bands")
    bands = grades.make_bands(spec) if spec is not None else grades.BANDS_002
    band = grades.grade(f.required("score"), bands)
    return {"grade": band.code, "label": band.label}


SCORE_METHODS: dict[str, tuple[Callable[[_Fields], Json], list[str]]] = {
    "level-points": (_score_level_points, ["answers", "points"]),
    "rate-loyalty": (_score_rate_loyalty, ["scores", "rate_above", "loyalty_above"]),
    "top2box-ka": (_score_top2box, ["customers", "ka_weight"]),
    "blend": (_score_blend, ["self", "survey", "self_weight"]),
    "item-average": (_score_item_average, ["maxima", "forms"]),
    "item-percent": (_score_item_percent, ["score", "maximum"]),
    "grade": (_score_grade, ["score", "bands"]),
}


# --- spc ---------------------------------------------------------------------------

CHARTS = ("p", "np", "c", "u", "xmr", "xbar-r", "xbar-s")
_BUILDERS: dict[str, Callable[..., ChartResult]] = {
    "p": charts.p_chart,
    "np": charts.np_chart,
    "c": charts.c_chart,
    "u": charts.u_chart,
    "xmr": charts.xmr_chart,
    "xbar-r": charts.xbar_r_chart,
    "xbar-s": charts.xbar_s_chart,
}
_SPC_FIELDS = [
    "chart",
    "data",
    "sizes",
    "rules",
    "rule_numbers",
    "center",
    "sigma",
    "nsigmas",
    "phase2",
]


def _spc(data: object) -> Json:
    f = _Fields(data, _SPC_FIELDS)
    chart = f.text("chart")
    if chart not in CHARTS:
        raise StatsInputError(f"chart: unknown chart {chart!r}; use one of {', '.join(CHARTS)}")
    values = v.sequence(f.required("data"), "data")
    sizes = _sizes(f.optional("sizes"), len(values), "sizes")
    options: dict[str, Any] = {
        "rule_set": f.text("rules", "western-electric"),
        "nsigmas": v.positive(f.optional("nsigmas", 3), "nsigmas"),
    }
    numbers = f.optional("rule_numbers")
    if numbers is not None:
        options["rules"] = list(v.sequence(numbers, "rule_numbers"))
    if f.optional("center") is not None:
        options["center"] = v.number(f.data["center"], "center")
    if f.optional("phase2") is not None:
        p2 = _Fields(f.data["phase2"], ["data", "sizes"])
        p2_data = v.sequence(p2.required("data"), "phase2.data")
        options["phase2"] = Phase2(
            p2_data, _sizes(p2.optional("sizes"), len(p2_data), "phase2.sizes")
        )
    sigma = f.optional("sigma")
    attribute = chart in ("p", "np", "c", "u")
    if sigma is not None:
        if attribute:
            raise StatsInputError(
                f"sigma: not used by a {chart} chart (its sigma follows from the centre)"
            )
        options["sigma"] = v.number(sigma, "sigma")
    if chart in ("p", "np", "u"):
        if sizes is None:
            raise StatsInputError(f"sizes: required for a {chart} chart (one size per point)")
        if "phase2" in options and options["phase2"].sizes is None:
            raise StatsInputError(f"phase2.sizes: required for a {chart} chart")
        result = _BUILDERS[chart](values, sizes, **options)
    else:
        if sizes is not None and (chart != "c" or len(set(sizes)) != 1):
            raise StatsInputError(
                f"sizes: not used by a {chart} chart"
                + (" (unequal sizes need a u chart)" if chart == "c" else "")
            )
        if "phase2" in options and options["phase2"].sizes is not None and chart != "c":
            raise StatsInputError(f"phase2.sizes: not used by a {chart} chart")
        result = _BUILDERS[chart](values, **options)
    return chart_json(result)


def _sizes(raw: object, count: int, field: str) -> list[float] | None:
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return [v.positive(raw, field)] * count
    sizes = v.numbers(raw, field)
    if len(sizes) != count:
        data_field = field.replace("sizes", "data")
        raise StatsInputError(f"{field}: has {len(sizes)} values but {data_field} has {count}")
    return sizes


def chart_json(result: ChartResult) -> Json:
    """The JSON shape of a chart (``dispersion`` only for charts that have one)."""
    out: Json = {
        "statistics": list(result.statistics),
        "center": _plain(result.center),
        "sigma": _plain(result.sigma),
        "lcl": list(result.lcl),
        "ucl": list(result.ucl),
        "beyond_limits": list(result.beyond_limits),
        "violations": [{"index": x.index, "rule": x.rule} for x in result.violations],
    }
    if result.dispersion is not None:
        out["dispersion"] = chart_json(result.dispersion)
    return out


def _plain(value: float | tuple[float, ...]) -> float | list[float]:
    return list(value) if isinstance(value, tuple) else value


# --- pareto, proportions -----------------------------------------------------------


def _pareto(data: object) -> Json:
    f = _Fields(data, ["categories", "counts", "threshold"])
    result = pareto.pareto(
        f.required("categories"), f.required("counts"), f.optional("threshold", 80)
    )
    return {
        "rows": [
            {
                "category": r.category,
                "count": r.count,
                "percent": r.percent,
                "cum_percent": r.cum_percent,
            }
            for r in result.rows
        ],
        "vital_few": list(result.vital_few),
    }


def _proportion_ci(data: object) -> Json:
    f = _Fields(data, ["successes", "trials", "method", "confidence"])
    method = f.text("method", "wilson")
    if method != "wilson":
        raise StatsInputError(f"method: unknown interval method {method!r}; use 'wilson'")
    ci = proportions.wilson_interval(
        f.required("successes"), f.required("trials"), f.optional("confidence", 0.95)
    )
    return {"estimate": ci.estimate, "low": ci.low, "high": ci.high}


def _proportion_test(data: object) -> Json:
    f = _Fields(data, ["successes1", "trials1", "successes2", "trials2", "alpha"])
    t = proportions.two_proportion_z_test(
        f.required("successes1"),
        f.required("trials1"),
        f.required("successes2"),
        f.required("trials2"),
        f.optional("alpha", 0.05),
    )
    return {
        "p1": t.p1,
        "p2": t.p2,
        "difference": t.difference,
        "z": t.z,
        "p_value": t.p_value,
        "significant": t.significant,
    }


# --- entry point -------------------------------------------------------------------


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, description="Statistics of the Manyi core: JSON in, JSON out.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    score = commands.add_parser("score", help="a scoring method of SPEC §10")
    score.add_argument("--method", required=True, choices=sorted(SCORE_METHODS))
    for name, text in (
        ("spc", "a Shewhart control chart with run rules"),
        ("pareto", "Pareto table with cumulative percent and the vital few"),
        ("proportion-ci", "confidence interval of a proportion (Wilson)"),
        ("proportion-test", "two-proportion z test between two campaigns"),
    ):
        commands.add_parser(name, help=text)
    for sub in commands.choices.values():
        sub.add_argument(
            "--input", required=True, metavar="FILE", help="JSON input file, '-' for stdin"
        )
    return parser


def _read_input(path: str) -> object:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise StatsInputError(
            f"input: cannot read {path!r}: {getattr(exc, 'strerror', None) or exc}"
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StatsInputError(
            f"input: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc


def run(command: str, method: str | None, data: object) -> Json:
    """Run one command on already-parsed JSON input (what ``main`` does after reading)."""
    if command == "score":
        handler, fields = SCORE_METHODS[method or ""]
        return handler(_Fields(data, fields))
    handlers: Mapping[str, Callable[[object], Json]] = {
        "spc": _spc,
        "pareto": _pareto,
        "proportion-ci": _proportion_ci,
        "proportion-test": _proportion_test,
    }
    return handlers[command](data)


def main(argv: list[str]) -> int:
    """``manyi stats …``: returns 0 on success, 2 on bad usage or bad input."""
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        return _fail(str(exc))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    try:
        output = run(args.command, getattr(args, "method", None), _read_input(args.input))
        text = json.dumps(output, ensure_ascii=False, allow_nan=False)
    except StatsInputError as exc:
        return _fail(str(exc))
    except (ValueError, TypeError, OverflowError) as exc:  # a shape no check foresaw
        return _fail(f"input: {exc}")
    try:
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:
        sys.stdout.write(json.dumps(output, allow_nan=False) + "\n")
    return 0


def _fail(message: str) -> int:
    line = " ".join(message.split())
    sys.stderr.write(f"{PROG}: error: {line}\n")
    return EXIT_BAD_INPUT
