"""The ``nnlearn`` command."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn


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


#: Each command: its one line in ``nnlearn --help``, and the function ("module:name") that adds
#: its arguments and handler to its parser. Only the command given is built (and its
#: module imported), so that ``nnlearn --help`` and every command start quickly.
COMMANDS = {
    "tour": ("run the course end to end and write it as a book of HTML pages",
             "nnlearn.cli:tour_arguments"),
    "equations": ("the equation catalogue and its code", "nnlearn.cli:equations_arguments"),
    "playground": ("the course's networks live in the browser (a local web server)",
                   "nnlearn.cli:playground_arguments"),
    "train": ("train an MLP on a CSV file (a header row, one sample per row) and save it",
              "nnlearn.csv_commands:train_arguments"),
    "predict": ("predict with a saved model", "nnlearn.csv_commands:predict_arguments"),
}


def tour_arguments(command: argparse.ArgumentParser) -> None:
    """``nnlearn tour``'s arguments."""
    from nnlearn.tour import CHAPTERS

    command.description = (
        "Run the course's experiments chapter by chapter and write the book: an opening page "
        "with the contents, a page per chapter, and every equation with its code. The pages "
        "work offline.")
    command.add_argument("--out", default="nnlearn-tour",
                         help="the book's folder (default: %(default)s)")
    command.add_argument("--chapter", action="append", choices=CHAPTERS, metavar="NAME",
                         help="write only this chapter (repeatable); one of: "
                              + ", ".join(CHAPTERS))
    command.set_defaults(handler=_tour)


def equations_arguments(command: argparse.ArgumentParser) -> None:
    """``nnlearn equations``' arguments."""
    command.description = (
        "Every equation of the course with the code that implements it and the test that "
        "checks it; keywords filter (nnlearn equations hopfield).")
    command.add_argument("keywords", metavar="KEYWORD", nargs="*",
                         help="show only the entries whose key, name, block or implementing "
                              "function contains every keyword")
    command.add_argument("--missing", action="store_true", help="only what is not implemented")
    command.add_argument("--latex", action="store_true", help="also print the LaTeX source")
    command.set_defaults(handler=_equations)


def playground_arguments(command: argparse.ArgumentParser) -> None:
    """``nnlearn playground``'s arguments."""
    from nnlearn.csv_commands import number_type

    command.description = (
        "Start a local web server with the playground: a multi-layer perceptron on 2-D data, "
        "the classic neurons, a Hopfield memory, a Boltzmann machine and a Markov chain, "
        "computed by nnlearn and drawn in the browser. It works offline; Ctrl-C stops it.")
    port = number_type(int, lambda v: 0 <= v <= 65535, "a port number from 0 to 65535")
    command.add_argument("--port", type=port, default=8000,
                         help="the port (default: %(default)s; 0 picks a free one)")
    command.add_argument("--host", default="127.0.0.1",
                         help="the address to listen on (default: %(default)s, this machine "
                              "only; another one warns)")
    command.add_argument("--no-browser", dest="browser", action="store_false",
                         help="do not open the page in the default browser")
    command.set_defaults(handler=_playground)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``nnlearn`` parser: every command listed, the arguments of ``command`` only
    (:data:`COMMANDS`)."""
    from nnlearn import __version__

    parser = argparse.ArgumentParser(
        prog="nnlearn",
        description="The classic neural networks of the course, from the equations up.",
    )
    parser.add_argument("--version", action="version", version=f"nnlearn {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (summary, arguments) in COMMANDS.items():
        subparser = commands.add_parser(name, help=summary, description=summary)
        if name == command:
            module, function = arguments.split(":")
            getattr(importlib.import_module(module), function)(subparser)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (``nnlearn`` itself
    takes no option with a value)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silences the flush at exit)
        return 0
    except (ValueError, OSError) as err:  # bad input or files: a message, no traceback
        print(f"nnlearn: error: {err}", file=sys.stderr)
        return 2


def run() -> NoReturn:
    """``nnlearn`` on the command line: :func:`main`, then a quick exit once it has returned.

    After a command has done its work, Python's teardown frees every object of the libraries
    it imported, one by one: about 190,000 once scikit-learn, SciPy, pandas and Numba are
    loaded, 0.4 s of the 2 s ``nnlearn predict`` took on 150 rows. A command that returned
    has closed its files (every write is in a ``with`` block or an atomic write), so the
    process can leave that work to the operating system: the exit handlers registered later
    (multiprocessing's, logging's, Numba's) run first, as they would, then the standard
    streams are flushed and ``os._exit`` ends the process with the command's status. A
    command that did not return (an error with a traceback, Ctrl-C, ``--help``) ends the
    usual way.
    """
    returned: list[int] = []
    atexit.register(_leave_quickly, returned)  # the first registered: run last
    returned.append(main())
    sys.exit(returned[0])


def _leave_quickly(returned: list[int]) -> None:
    if not returned:
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a pipe its reader closed, a closed stream
            stream.flush()
    os._exit(returned[0])


if __name__ == "__main__":
    run()
