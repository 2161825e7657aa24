"""The command line: a thin shell over load → solve → render (sqlite-utils style).

One error boundary (`_boundary`) turns known errors into a one-line message on stderr and
a named exit code; `--debug` re-raises them with a traceback instead.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console

from examsolve.errors import ExamsolveError, ExitStatus
from examsolve.render import Format

app = typer.Typer(
    help="Solve deep-learning exam problems written as YAML specs, with step-by-step "
         "derivations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DebugOption = typer.Option(False, "--debug", help="Show a traceback for known errors.")


def _stdout() -> Console:
    return Console(highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def _boundary(debug: bool) -> Iterator[None]:
    """Known errors → `examsolve: <message>` and their exit code, no traceback."""
    try:
        yield
    except ExamsolveError as exc:
        if debug:
            raise
        _stderr().print(f"examsolve: {exc}", markup=False)
        raise typer.Exit(int(exc.exit_status)) from None


@app.command()
def run(
    paths: List[Path] = typer.Argument(..., help="Spec files or folders of specs."),
    format: Format = typer.Option(Format.rich, "--format", "-f", help="Output format."),
    answers_only: bool = typer.Option(False, "--answers-only", help="Print only the answers."),
    debug: bool = DebugOption,
) -> None:
    """Solve specs and print their derivations."""
    from examsolve.problem import load, solve, spec_files

    status = ExitStatus.OK
    documents = []
    with _boundary(debug):
        files = spec_files(paths)
    console = _stdout()
    for file in files:
        try:
            with _boundary(debug):
                derivation = solve(load(file))
        except typer.Exit as exc:
            status = max(status, ExitStatus(exc.exit_code))
            continue
        if format is Format.json:
            from examsolve.render.json_render import to_json

            doc = to_json(derivation, str(file))
            if answers_only:
                doc = {k: doc[k] for k in ("file", "kind", "title", "answers", "warnings")}
            documents.append(doc)
        else:
            from examsolve.render.rich_render import render

            render(derivation, console, str(file), answers_only)
    if format is Format.json:
        payload = documents[0] if len(documents) == 1 and len(files) == 1 else documents
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    raise typer.Exit(int(status))


@app.command("list")
def list_(
    folder: Optional[Path] = typer.Argument(
        None, help="Folder of specs (default: ./problems, else the installed examples)."),
    debug: bool = DebugOption,
) -> None:
    """Show the specs in a folder: file, kind, title, source."""
    from rich.table import Table

    from examsolve.errors import SpecError
    from examsolve.problem import examples_dir, read_common, spec_files
    from examsolve.spec import compose_file

    with _boundary(debug):
        if folder is None:
            folder = Path("problems") if Path("problems").is_dir() else examples_dir()
            if folder is None:
                raise SpecError("no problems/ folder here and no installed examples")
        table = Table("file", "kind", "title", "source")
        status = ExitStatus.OK
        for file in spec_files([folder]):
            try:
                common = read_common(compose_file(file))
                table.add_row(file.name, common.kind, common.title, common.source or "")
            except SpecError as exc:
                table.add_row(file.name, "[red]invalid[/red]", str(exc), "")
                status = ExitStatus.BAD_INPUT
    _stdout().print(table)
    raise typer.Exit(int(status))


@app.command()
def kinds() -> None:
    """List the problem kinds examsolve solves."""
    from rich.table import Table

    from examsolve.solvers import KINDS

    table = Table("kind", "what it solves")
    for name, module in KINDS.items():
        table.add_row(name, module.SUMMARY)
    _stdout().print(table)


@app.command()
def check(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="Spec files or folders (default: ./problems)."),
    debug: bool = DebugOption,
) -> None:
    """Solve every spec with `expected` answers and compare; exit 1 on any mismatch."""
    from rich.table import Table
    from rich.text import Text

    from examsolve.check import check as check_answers
    from examsolve.derivation import value_expr
    from examsolve.problem import load, solve, spec_files
    from examsolve.render.textmath import linear

    def show(value: object) -> str:
        if isinstance(value, str):
            return value
        import numpy as np

        if isinstance(value, np.ndarray):
            value = tuple(tuple(r) for r in value) if value.ndim == 2 else tuple(value)
        return linear(value_expr(value))  # type: ignore[arg-type]

    status = ExitStatus.OK
    table = Table("", "file", "answer", "expected", "got")
    counts = [0, 0]
    with _boundary(debug):
        files = spec_files(paths or [Path("problems")])
    for file in files:
        try:
            with _boundary(debug):
                problem = load(file)
                if not problem.common.expected:
                    continue
                rows = check_answers(problem, solve(problem))
        except typer.Exit as exc:
            status = max(status, ExitStatus(exc.exit_code))
            continue
        for row in rows:
            counts[0 if row.ok else 1] += 1
            mark = Text("✓", style="green") if row.ok else Text("✗", style="bold red")
            got = show(row.got) + (f"  ({row.reason})" if row.reason else "")
            table.add_row(mark, file.name, row.key, show(row.expected), got)
            if not row.ok:
                status = max(status, ExitStatus.FAILED)
    console = _stdout()
    console.print(table)
    console.print(f"{counts[0]} answers match, {counts[1]} differ")
    raise typer.Exit(int(status))


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
