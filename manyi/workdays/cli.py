"""``manyi workdays`` — working-day arithmetic on the command line.

    manyi workdays add 2025-09-30 1                  # → 2025-10-09
    manyi workdays between 2025-09-30 2025-10-09     # → 1
    manyi workdays --calendar DE --closure 2025-12-24 add 2025-12-23 1

Exit status 0 with the result on stdout (plus a warning on stderr when a year without
statutory data was involved); 2 with a message naming the argument for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from .errors import CalendarError, UnknownCalendarError
from .workcalendar import WorkCalendar, get_calendar

PROG = "manyi workdays"
EXIT_USAGE = 2


class _UsageError(Exception):
    """Bad command-line input; the message names the argument."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}, expected YYYY-MM-DD") from None


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, description="Working-day arithmetic (工作日计算).")
    parser.add_argument(
        "--calendar",
        default="CN",
        metavar="CODE",
        help="CN (PRC statutory calendar, default) or a country code such as US, DE, DE-BY",
    )
    parser.add_argument(
        "--closure",
        action="append",
        default=[],
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="company closure (non-working day); repeatable",
    )
    parser.add_argument(
        "--workday",
        action="append",
        default=[],
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="extra company working day; repeatable",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    add = commands.add_parser("add", help="the date N working days after DATE")
    add.add_argument("date", metavar="DATE", type=_iso_date)
    add.add_argument("n", metavar="N", type=_integer)
    between = commands.add_parser(
        "between", help="working days after DATE1 up to and including DATE2"
    )
    between.add_argument("date1", metavar="DATE1", type=_iso_date)
    between.add_argument("date2", metavar="DATE2", type=_iso_date)
    return parser


def _run(calendar: WorkCalendar, args: argparse.Namespace) -> tuple[str, date, date]:
    if args.command == "add":
        result = calendar.add_workdays(args.date, args.n)
        return result.isoformat(), args.date, result
    count = calendar.workdays_between(args.date1, args.date2)
    return str(count), args.date1, args.date2


def _fail(argument: str, exc: Exception) -> int:
    print(f"{PROG}: error: argument {argument}: {exc}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``manyi workdays`` with ``argv`` (the arguments after ``workdays``)."""
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except _UsageError as exc:
        print(parser.format_usage().rstrip(), file=sys.stderr)
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    try:
        calendar = get_calendar(args.calendar, closures=args.closure, extra_workdays=args.workday)
    except UnknownCalendarError as exc:
        return _fail("--calendar", exc)
    except CalendarError as exc:
        return _fail("--closure/--workday", exc)
    try:
        output, start, end = _run(calendar, args)
    except CalendarError as exc:
        return _fail("N", exc)
    for warning in calendar.warnings_for(start, end):
        print(warning, file=sys.stderr)
    print(output)
    return 0
