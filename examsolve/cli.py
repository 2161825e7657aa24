"""The command line: a thin shell over load → solve → render (sqlite-utils style).

One error boundary (`_boundary`) turns known errors into a one-line message on stderr and
a named exit code; `--debug` re-raises them with a traceback instead.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Optional

import typer

from examsolve.errors import ExamsolveError, ExitStatus, UsageError, one_line
from examsolve.render import FIGURE_FORMATS, Format

if TYPE_CHECKING:
    from rich.console import Console

# vary draws its documents' figures by default up to this many variants: two figures a
# variant at about 0.1 s each keep -n 30 in seconds; -n 100 would take 20 s more.
AUTO_FIGURES = 30

app = typer.Typer(
    help="Solve deep-learning exam problems written as YAML specs, with step-by-step "
         "derivations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from examsolve import __version__

        print(f"examsolve {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """Solve deep-learning exam problems written as YAML specs, with step-by-step
    derivations."""

DebugOption = typer.Option(False, "--debug", help="Show a traceback for known errors.")
# `examsolve run x --version` works like `examsolve --version`.
VersionOption = typer.Option(False, "--version", callback=_version, is_eager=True,
                             help="Show the version and exit.")


def _width() -> int | None:
    """COLUMNS when it is a usable width, else rich's own guess; COLUMNS=0 or junk would
    make rich print nothing at all (errors included), so it falls back to 80."""
    columns = os.environ.get("COLUMNS")
    if columns is None or (columns.strip().isdigit() and int(columns) >= 20):
        return None
    return 80


def _stdout() -> "Console":
    from rich.console import Console  # imported here: JSON and documents never need it

    console = Console(highlight=False, width=_width())
    console.on_broken_pipe = _broken_pipe  # rich's own handler exits 1, "a failure"
    return console


def _broken_pipe() -> None:
    raise BrokenPipeError


def _stderr() -> "Console":
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, width=_width())


@contextmanager
def _writing(debug: bool) -> Iterator[None]:
    """Around everything a command prints on stdout: a reader that closes the pipe (`| head`)
    ends the command quietly with exit 0 — reading less is its choice, not a failure; a
    stdout that cannot take the text (a full disk) is one line and exit 2."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(int(ExitStatus.OK)) from None
    except OSError as exc:
        if debug:
            raise
        _silence_stdout()
        _stderr().print(f"examsolve: cannot write to standard output: "
                        f"{exc.strerror or exc}", markup=False)
        raise typer.Exit(int(ExitStatus.BAD_INPUT)) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the text still buffered is not flushed (and fails
    again) when Python exits — the recipe in Python's `signal` documentation."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


@contextmanager
def _boundary(debug: bool, file: Path | None = None) -> Iterator[None]:
    """Known errors → `examsolve: <message>` and their exit code, no traceback.

    A message that does not name its spec file gets it in front (several specs may run in
    one command). Anything else is a bug: one line saying so, exit 1, and `--debug` shows it.
    """
    try:
        yield
    except ExamsolveError as exc:
        if debug:
            raise
        message = str(exc)
        if file is not None and not message.startswith(str(file)):
            message = f"{file}: {message}"
        _stderr().print(f"examsolve: {one_line(message)}", markup=False)
        raise typer.Exit(int(exc.exit_status)) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:  # noqa: BLE001 — the last line of defence, reported as a bug
        if debug:
            raise
        where = f"{file}: " if file is not None else ""
        _stderr().print(one_line(f"examsolve: {where}internal error ({type(exc).__name__}: "
                                 f"{exc}); this is a bug in examsolve: --debug shows the "
                                 "traceback"), markup=False)
        raise typer.Exit(int(ExitStatus.FAILED)) from None


def _output_format(format: Optional[Format], output: Optional[Path],
                   standalone: bool) -> Format:
    """--format if given, else the format -o's extension names, else the terminal's."""
    if format is not None and output is not None and output.suffix.lower() not in ("", ".txt"):
        named = Format.from_suffix(output.suffix)  # .txt is plain text: any format fits
        if named is not format:
            raise UsageError(f"-o {output.name} does not name a {format.value} file; use "
                             f"{_suffix_for(format)} or leave out --format")
    if format is None and output is not None:
        format = Format.from_suffix(output.suffix)
        if format is None:
            raise UsageError(f"cannot tell the format from '{output.name}'; add --format "
                             f"({'|'.join(f.value for f in Format)})")
    format = format or Format.rich
    if standalone and format is not Format.latex:
        raise UsageError("--standalone makes a complete LaTeX document; use it with "
                         "--format latex or -o FILE.tex")
    return format


def _suffix_for(format: Format) -> str:
    from examsolve.render import _SUFFIXES

    return next(s for s, f in _SUFFIXES.items() if f is format)


def _quietly(solve, problem):  # type: ignore[no-untyped-def]
    """Solve with numpy's floating-point warnings kept off the terminal: a solver that needs
    one explains it in its derivation (softmax-regression quotes them), the rest are noise
    next to a one-line message."""
    import warnings

    import numpy as np

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return solve(problem)


def _refuse_to_overwrite_a_spec(output: Optional[Path], files: List[Path]) -> None:
    """-o naming a spec being solved — by its path, a symlink or a hard link (same inode)."""
    if output is not None and output.exists() and \
            any(output.resolve() == f.resolve() or _same_file(output, f) for f in files):
        raise UsageError(f"-o {output} is one of the specs being solved; write elsewhere")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _one_output(outputs: Optional[List[Path]]) -> Optional[Path]:
    if outputs and len(outputs) > 1:
        raise UsageError(f"-o is given {len(outputs)} times; give one output file")
    return outputs[0] if outputs else None


def _write(text: str, output: Optional[Path]) -> None:
    """To stdout, or to `output` atomically: a temporary file in the same folder renamed over
    it, so a reader never sees a half-written file and a failed write leaves the old one."""
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            _silence_stdout()
            raise UsageError(f"cannot write to standard output: {exc.strerror or exc}") from None
        return
    import tempfile

    temporary = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=output.parent or ".",
                                         prefix=f".{output.name}.", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(text)
        os.replace(temporary, output)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    _stderr().print(f"Wrote {output}", markup=False)


@app.command()
def run(
    paths: List[Path] = typer.Argument(..., help="Spec files or folders of specs."),
    format: Optional[Format] = typer.Option(
        None, "--format", "-f", metavar="FORMAT", show_choices=False,
        help="Output format: rich, json, markdown, latex, html or moodle (default: from -o's "
             "extension, else rich)."),
    outputs: Optional[List[Path]] = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write to FILE (.md, .tex, .json, .html, .xml, .txt) instead of stdout; "
             ".svg/.png/.pdf draws the spec's charts."),
    standalone: bool = typer.Option(
        False, "--standalone", help="LaTeX: a complete document, not a fragment to \\input."),
    answers_only: bool = typer.Option(False, "--answers-only", help="Print only the answers."),
    questions: bool = typer.Option(
        False, "--questions", help="A question sheet: statements, data and marks, no solution."),
    title: Optional[str] = typer.Option(None, "--title", help="The document's title."),
    show_source: bool = typer.Option(
        False, "--show-source", help="Questions: name each problem's spec file."),
    page_break: bool = typer.Option(
        False, "--page-break", help="LaTeX: each problem on a page of its own."),
    debug: bool = DebugOption,
    version: bool = VersionOption,
) -> None:
    """Solve specs and print their derivations (a folder becomes one document, in file order)."""
    from examsolve.problem import load, solve, spec_files
    from examsolve.render import document

    status = ExitStatus.OK
    with _boundary(debug):
        output = _one_output(outputs)
    if format is None and output is not None and output.suffix.lower() in FIGURE_FORMATS:
        _run_figure(paths, output, debug, questions)
        return
    with _boundary(debug):
        files = spec_files(paths)
        _refuse_to_overwrite_a_spec(output, files)
        fmt = _output_format(format, output, standalone)
        _check_sheet_options(fmt, questions, answers_only, page_break)
    if fmt is Format.moodle:
        _run_moodle(files, output, title, debug)
        return
    if questions:
        from examsolve.questions import sheet as solve  # noqa: F811 — a sheet, not a solution
    stream = fmt is Format.rich and output is None  # the terminal shows each as it is solved
    console = _stdout() if stream else None
    if stream and title:
        console.print(title, style="bold", markup=False)
    solved = []
    with _writing(debug):
        for file in files:
            derivation, failed = _attempt(debug, file, lambda f: _quietly(solve, load(f)),
                                          file)
            status = max(status, failed)
            if derivation is None:
                continue
            shown = str(file) if show_source or not questions else None
            if stream:
                from examsolve.render.rich_render import render

                render(derivation, console, shown, answers_only)
            else:
                solved.append((derivation, shown))
        if solved and not stream:  # nothing solved: no empty document, -o left untouched
            with _boundary(debug):
                if output is not None and fmt in (Format.markdown, Format.latex) \
                        and not answers_only:  # answers alone show no figure
                    solved = _with_image_files(solved, output, fmt)
                _write(document(fmt, solved, answers_only, standalone, single=len(files) == 1,
                                title=title, page_break=page_break), output)
    raise typer.Exit(int(status))


def _with_image_files(solved: list, output: Path, fmt: Format) -> list:
    """A Markdown or LaTeX file's figures drawn into files beside it (render/figure_files.py);
    without matplotlib the text pictures stay, and stderr says so."""
    from examsolve.render.figure_files import with_images

    try:
        import matplotlib  # noqa: F401 — only to know whether figures can be drawn
    except ImportError:
        if any(c for d, _ in solved for c in _charts(d)):
            _stderr().print("Figures stay text pictures: drawing them needs matplotlib "
                            "(pip install 'examsolve[plot]')", markup=False)
        return solved
    try:
        solved, written = with_images(solved, output, fmt.value)
    except OSError as exc:
        raise UsageError(f"cannot write the figures of {output}: {exc.strerror or exc}") \
            from None
    if written:
        _stderr().print(f"Wrote {len(written)} figure{'s' * (len(written) > 1)} in "
                        f"{written[0].parent}", markup=False)
    return solved


def _charts(derivation):  # type: ignore[no-untyped-def]
    from examsolve.render.figure import charts

    return charts(derivation)


def _run_moodle(files: List[Path], output: Optional[Path], title: Optional[str],
                debug: bool) -> None:
    """`run … --format moodle`: one cloze question per spec (its sheet as the text, its
    solution as the feedback) in one category, `--title` or the document's title."""
    from examsolve.problem import load, solve
    from examsolve.questions import question_of
    from examsolve.render import latex, moodle

    def solved(file: Path):  # type: ignore[no-untyped-def]
        problem = load(file)
        solution = _quietly(solve, problem)
        asked = tuple(key for key, _ in problem.common.expected) or None
        return solution, question_of(problem, solution), problem.common.tolerance, asked

    status, items = ExitStatus.OK, []
    for file in files:
        item, failed = _attempt(debug, file, solved, file)
        status = max(status, failed)
        if item is not None:
            items.append(item)
    with _boundary(debug):
        category = title or (items[0][0].title if len(files) == 1 and items else
                             latex.document_title([(s, None) for s, *_ in items], "quiz"))
        _write(moodle.quiz(items, category), output)
    raise typer.Exit(int(status))


def _check_sheet_options(fmt: Format, questions: bool, answers_only: bool,
                         page_break: bool) -> None:
    if fmt is Format.moodle and (questions or answers_only):
        raise UsageError("a Moodle quiz is always questions with their solutions as feedback; "
                         "drop --questions/--answers-only")
    if questions and answers_only:
        raise UsageError("--questions prints no answers; drop --answers-only")
    if page_break and fmt is not Format.latex:
        raise UsageError("--page-break starts pages in LaTeX; use it with --format latex or "
                         "-o FILE.tex")


def _run_figure(paths: List[Path], output: Path, debug: bool, questions: bool = False) -> None:
    """`run SPEC -o FILE.svg|png|pdf`: the charts of one spec's derivation (with
    `--questions`, of its question sheet: nothing of the solution), drawn."""
    from examsolve.problem import load, solve, spec_files

    if questions:
        from examsolve.questions import sheet as solve  # noqa: F811 — a sheet, not a solution
    from examsolve.render.figure import write_figure

    with _boundary(debug):
        files = spec_files(paths)
        _refuse_to_overwrite_a_spec(output, files)
        if len(files) != 1:
            raise UsageError(f"a figure ({output.suffix}) is drawn from one spec, got "
                             f"{len(files)}")
        derivation = _quietly(solve, load(files[0]))
        try:
            write_figure(derivation, output)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
        _stderr().print(f"Wrote {output}", markup=False)


def _default_problems() -> Path:
    """./problems when there is one, else the examples installed with examsolve."""
    from examsolve.errors import SpecError
    from examsolve.problem import examples_dir

    folder = Path("problems") if Path("problems").is_dir() else examples_dir()
    if folder is None:
        raise SpecError("no problems/ folder here and no installed examples")
    return folder


@app.command("list")
def list_(
    folder: Optional[Path] = typer.Argument(
        None, help="Folder of specs (default: ./problems, else the installed examples)."),
    debug: bool = DebugOption,
    version: bool = VersionOption,
) -> None:
    """Show the specs in a folder: file, kind, title, source."""
    from rich.table import Table
    from rich.text import Text

    from examsolve.errors import SpecError
    from examsolve.problem import load, spec_files

    with _boundary(debug):
        folder = folder or _default_problems()
        # Every column folds (a long file name too), so at any width ≥ 40 the table fits
        # and no column is squeezed to nothing.
        table = Table(title=one_line(str(folder)), title_justify="left")
        table.add_column("file", overflow="fold", ratio=3)
        table.add_column("kind", overflow="fold", ratio=2)
        table.add_column("title", overflow="fold", ratio=4)
        table.add_column("source", overflow="fold", ratio=3)
        status = ExitStatus.OK
        for file in spec_files([folder]):
            try:
                common = load(file).common  # fully validated: listed means `run` can read it
                table.add_row(one_line(file.name), common.kind, common.title,
                              common.source or "")
            except SpecError as exc:
                table.add_row(one_line(file.name), Text("invalid", style="red"),
                              Text(str(exc)), "")
                status = ExitStatus.BAD_INPUT
    with _writing(debug):
        _stdout().print(table)
    raise typer.Exit(int(status))


@app.command()
def kinds(debug: bool = DebugOption, version: bool = VersionOption) -> None:
    """List the problem kinds examsolve solves."""
    from rich.table import Table

    from examsolve.kinds import KINDS, kind

    table = Table("kind", "what it solves")
    for name in KINDS:
        table.add_row(name, kind(name).SUMMARY)
    with _writing(debug):
        _stdout().print(table)


@app.command()
def check(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="Spec files or folders (default: ./problems, else the installed examples)."),
    answers: Optional[Path] = typer.Option(
        None, "--answers", help="A student's answers (YAML `key: value`) to mark against "
                                "one SPEC, in computation order, with the first wrong step."),
    as_json: bool = typer.Option(False, "--json", help="With --answers: the verdict as JSON."),
    debug: bool = DebugOption,
    version: bool = VersionOption,
) -> None:
    """Solve every spec with `expected` answers and compare; exit 1 on any mismatch.

    With --answers FILE: mark a student's answers against one spec instead."""
    if answers is not None or as_json:
        _check_student(paths or [], answers, as_json, debug)
    from examsolve.check import CheckReport, check as check_answers
    from examsolve.problem import load, solve, spec_files
    from examsolve.render import check_table

    with _boundary(debug):
        files = spec_files(paths or [_default_problems()])
    report, status = CheckReport(files=len(files)), ExitStatus.OK
    for file in files:
        problem, failed = _attempt(debug, file, load, file)
        if problem is not None and problem.common.expected:
            rows, failed = _attempt(debug, file, lambda p: check_answers(p, _quietly(solve, p)),
                                    problem)
            if rows is not None:
                report.checked += 1
                report.rows.extend((file.name, row) for row in rows)
                _report_errors(row.error for row in rows if row.error is not None)
        report.unchecked += failed is not ExitStatus.OK
        status = max(status, failed)
    with _boundary(debug), _writing(debug):
        check_table.render(report, _stdout())
    raise typer.Exit(int(max(status, report.status)))


def _check_student(paths: List[Path], answers: Optional[Path], as_json: bool,
                   debug: bool) -> None:
    """`check SPEC --answers FILE [--json]`: the verdict; exit 1 when an answer is wrong."""
    from examsolve.problem import load, solve
    from examsolve.verdict import check_answers

    with _boundary(debug):
        if answers is None:
            raise UsageError("--json goes with --answers FILE")
        if len(paths) != 1 or paths[0].is_dir():
            raise UsageError("--answers marks one spec: give one SPEC file")
        problem = load(paths[0])
    with _boundary(debug, answers):
        verdict = check_answers(problem, _quietly(solve, problem), answers)
    if as_json:
        import json

        from examsolve.render.verdict import to_json

        sys.stdout.write(json.dumps(to_json(verdict), indent=2, ensure_ascii=False) + "\n")
    else:
        from examsolve.render.verdict import render

        render(verdict, _stdout())
    raise typer.Exit(int(ExitStatus.FAILED if verdict.first_wrong else ExitStatus.OK))


def _attempt(debug: bool, file: Path, action, *args):  # type: ignore[no-untyped-def]
    """`action(*args)` inside the error boundary for `file`: (its result, OK), or (None, the
    exit status) after the error was reported, so the next spec still runs."""
    try:
        with _boundary(debug, file):
            return action(*args), ExitStatus.OK
    except typer.Exit as exc:
        return None, ExitStatus(exc.exit_code)


def _report_errors(errors) -> None:  # type: ignore[no-untyped-def]
    for error in errors:
        _stderr().print(f"examsolve: {error}", markup=False)


@app.command()
def grade(
    spec: Path = typer.Argument(..., help="The spec the students answered."),
    submissions: Path = typer.Argument(..., help="A folder of answer files, one per student."),
    csv_file: Optional[Path] = typer.Option(None, "--csv", help="Write the marks to FILE."),
    debug: bool = DebugOption,
) -> None:
    """Mark a folder of students' answer files: a CSV row each, with marks and first wrong steps.

    Marks come from the spec's points (else one per answer)."""
    from examsolve.grading import grade as grade_all, marks_csv
    from examsolve.problem import load, solve

    with _boundary(debug):
        if not submissions.is_dir():
            raise UsageError(f"{submissions} is not a folder of answer files")
        problem = load(spec)
        scheme, grades = grade_all(problem, _quietly(solve, problem), submissions)
        _write(marks_csv(scheme, grades), csv_file)
    for g in grades:
        if g.error:
            _stderr().print(f"examsolve: {g.error}", markup=False)
    raise typer.Exit(int(ExitStatus.BAD_INPUT if any(g.error for g in grades)
                         else ExitStatus.OK))


@app.command()
def new(
    kind: Optional[str] = typer.Argument(None, help="A kind from `examsolve kinds`."),
    outputs: Optional[List[Path]] = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write the template to FILE instead of stdout."),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    debug: bool = DebugOption,
    version: bool = VersionOption,
) -> None:
    """Start a spec from a commented template that runs as is (a small worked example)."""
    from examsolve.kinds import KINDS, template
    from examsolve.wording import hint

    with _boundary(debug):
        output = _one_output(outputs)
        if kind is None:
            raise UsageError(f"name a kind: examsolve new KIND, one of {', '.join(KINDS)}")
        if kind not in KINDS:
            known = f"; known kinds: {', '.join(KINDS)}"
            raise UsageError(f"unknown kind '{kind}'{hint(kind, KINDS, known)}")
        source = template(kind)
        if not source.is_file():
            raise ExamsolveError(f"no template for the {kind} kind yet")
        if output is not None and output.exists() and not force:
            raise UsageError(f"{output} exists; add --force to overwrite it")
        with _writing(debug):
            _write(source.read_text(encoding="utf-8"), output)


@app.command()
def vary(
    spec: Path = typer.Argument(..., help="The spec to vary."),
    n: int = typer.Option(30, "-n", help="How many variants."),
    seed: int = typer.Option(0, "--seed", help="The random seed (same seed, same files)."),
    output: Path = typer.Option(..., "--output", "-o", help="The folder to write into."),
    format: Format = typer.Option(
        Format.markdown, "--format", "-f",
        help="markdown or latex: questions and solutions documents; moodle: quiz.xml."),
    figures: Optional[bool] = typer.Option(
        None, "--figures/--no-figures",
        help="Draw the documents' figures into questions_files/ and solutions_files/ "
             f"(needs matplotlib; by default for up to {AUTO_FIGURES} variants, about 0.1 s "
             "a figure); --no-figures keeps text pictures."),
    debug: bool = DebugOption,
) -> None:
    """Write N checked variants of a spec with new numbers, plus their documents or a quiz.

    Each variant has `expected` filled from its own solution; see docs/exams.md."""
    import time

    from examsolve.questions import question_of
    from examsolve.render import document
    from examsolve.vary import variants

    with _boundary(debug):
        if format not in (Format.markdown, Format.latex, Format.moodle):
            raise UsageError("vary writes markdown, latex or moodle documents")
        try:
            text = spec.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {spec}: {exc.strerror}") from None
        start = time.perf_counter()
        found, tally = variants(str(spec), text, n, seed, _quietly)
        seconds = time.perf_counter() - start
        output.mkdir(parents=True, exist_ok=True)
        for variant in found:
            (output / variant.name).write_text(variant.text, encoding="utf-8")
        sheets = [(question_of(v.problem, v.solution), None) for v in found]
        solutions = [(v.solution, None) for v in found]
        title = found[0].problem.common.title.rsplit(" (variant", 1)[0]
        if format is Format.moodle:
            from examsolve.render import moodle

            items = [(v.solution, sheet, v.problem.common.tolerance, None)
                     for v, (sheet, _) in zip(found, sheets)]
            (output / "quiz.xml").write_text(moodle.quiz(items, title), encoding="utf-8")
        else:
            ext = ".md" if format is Format.markdown else ".tex"
            standalone = format is Format.latex
            if figures is None:
                figures = len(found) <= AUTO_FIGURES
                if not figures:
                    _stderr().print(f"Figures stay text pictures for {len(found)} variants "
                                    f"(drawn by default for up to {AUTO_FIGURES}, about 0.1 s "
                                    "a figure): --figures draws them", markup=False)
            for name, items in (("questions", sheets), ("solutions", solutions)):
                path = output / f"{name}{ext}"
                if figures:
                    items = _with_image_files(items, path, format)
                path.write_text(document(format, items, standalone=standalone,
                                         title=f"{title}: {name}"), encoding="utf-8")
        rates = ", ".join(f"{rule} {count / tally.tried:.0%}"
                          for rule, count in tally.rejected.items()) or "none"
        _stderr().print(f"Wrote {len(found)} variants to {output} ({tally.tried} candidates, "
                        f"{len(found) / seconds:.1f} variants/s; rejected: {rates})",
                        markup=False)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
