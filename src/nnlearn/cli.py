"""The ``nnlearn`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _tour(args: argparse.Namespace) -> int:
    from nnlearn import tour

    index = tour.run(args.out, chapters=args.chapter)
    print(f"\nThe book is written: open {index} in a browser (it needs no network).")
    return 0


def _equations(args: argparse.Namespace) -> int:
    from nnlearn.equations import render, search

    print(render(args.keywords, missing_only=args.missing, latex=args.latex))
    return 0 if search(args.keywords) else 1


def _playground(args: argparse.Namespace) -> int:
    from nnlearn.playground.launch import serve
    from nnlearn.playground.server import is_loopback

    if not is_loopback(args.host):
        print(f"nnlearn: warning: listening on {args.host}, not on the loopback address: other "
              "machines that reach this one can open the playground and run training on "
              "it (it has no password)", file=sys.stderr)
    try:
        serve(args.host, args.port, open_browser=args.browser)
    except KeyboardInterrupt:  # Ctrl-C before the server took over the signal
        print("nnlearn playground: stopped")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from nnlearn import csv_commands
    from nnlearn.tour import CHAPTERS

    port = csv_commands.number_type(int, lambda v: 0 <= v <= 65535,
                                    "a port number from 0 to 65535")

    parser = argparse.ArgumentParser(
        prog="nnlearn",
        description="The classic neural networks of the course, from the equations up.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    tour = commands.add_parser(
        "tour", help="run the course end to end and write it as a book of HTML pages",
        description="Run the course's experiments chapter by chapter and write the book: "
                    "an opening page with the contents, a page per chapter, and every "
                    "equation with its code. The pages work offline.")
    tour.add_argument("--out", default="nnlearn-tour",
                      help="the book's folder (default: %(default)s)")
    tour.add_argument("--chapter", action="append", choices=CHAPTERS, metavar="NAME",
                      help="write only this chapter (repeatable); one of: " + ", ".join(CHAPTERS))
    tour.set_defaults(handler=_tour)

    equations = commands.add_parser(
        "equations", help="the equation catalogue and its code",
        description="Every equation of the course with the code that implements it and the "
                    "test that checks it; keywords filter (nnlearn equations hopfield).")
    equations.add_argument("keywords", metavar="KEYWORD", nargs="*",
                           help="show only the entries whose key, name, block or "
                                "implementing function contains every keyword")
    equations.add_argument("--missing", action="store_true", help="only what is not implemented")
    equations.add_argument("--latex", action="store_true", help="also print the LaTeX source")
    equations.set_defaults(handler=_equations)

    playground = commands.add_parser(
        "playground", help="the course's networks live in the browser (a local web server)",
        description="Start a local web server with the playground: a multi-layer perceptron "
                    "on 2-D data, the classic neurons, a Hopfield memory, a Boltzmann machine "
                    "and a Markov chain, computed by nnlearn and drawn in the browser. It "
                    "works offline; Ctrl-C stops it.")
    playground.add_argument("--port", type=port, default=8000,
                            help="the port (default: %(default)s; 0 picks a free one)")
    playground.add_argument("--host", default="127.0.0.1",
                            help="the address to listen on (default: %(default)s, this machine "
                                 "only; another one warns)")
    playground.add_argument("--no-browser", dest="browser", action="store_false",
                            help="do not open the page in the default browser")
    playground.set_defaults(handler=_playground)

    csv_commands.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silences the flush at exit)
        return 0
    except (ValueError, OSError) as err:  # bad input or files: a message, no traceback
        print(f"nnlearn: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
