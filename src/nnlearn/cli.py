"""The ``nnlearn`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _tour(args: argparse.Namespace) -> int:
    from nnlearn import tour

    index = tour.run(args.out, sections=args.section or None)
    print(f"\nReport written to {index}")
    return 0


def _equations(args: argparse.Namespace) -> int:
    from nnlearn.equations import render

    print(render(missing_only=args.missing))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from nnlearn.tour import SECTIONS

    parser = argparse.ArgumentParser(
        prog="nnlearn",
        description="The classic neural networks of the course, from the equations up.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    tour = commands.add_parser("tour", help="run the course end to end and write a report")
    tour.add_argument("--out", default="nnlearn-tour", help="report folder (default: %(default)s)")
    tour.add_argument(
        "--section", action="append", choices=SECTIONS, help="run only this section (repeatable)"
    )
    tour.set_defaults(handler=_tour)

    equations = commands.add_parser("equations", help="the equation catalogue and its code")
    equations.add_argument("--missing", action="store_true", help="only what is not implemented")
    equations.set_defaults(handler=_equations)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError) as err:
        print(f"nnlearn: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silences the flush at exit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
