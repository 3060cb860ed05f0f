"""Command line: ``portarium-codegen`` / ``python -m generator``.

Subcommands::

    generate   [--spec S] [--output O] [--config C] [--package-name P] [--project-name N]
               [--templates DIR] [--include-tags a,b] [--exclude-tags x] [--check] [--report FILE]
               [--allow-remote-refs] [--allow-outside-root] [--strict]
    validate   [--spec S] [--report FILE] [--strict]
    templates  list | export [--all] [--force] NAME [NAME...] DIR
    build      [--output O] [--dist DIR] [--check] [--no-isolation]   (wheel + sdist)
               [--bump auto|major|minor|patch [--spec S] [--since PKG|VERSION]]
    diff       OLD NEW [--json] [--fail-on breaking|behaviour|never]  (spec files or packages)

Defaults generate the Portarium client: ``--spec spec/portarium-control-plane.v1.yaml --output
output/portarium-client``. Exit codes are documented in :mod:`generator.report`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from generator import __version__
from generator.diagnostics import Severity, render_all
from generator.ir import IR_VERSION
from generator.pipeline import DEFAULT_OUTPUT, DEFAULT_SPEC, Options, run
from generator.render import (
    COMMON_CONTEXT,
    STOCK_TEMPLATES,
    TEMPLATE_CONTEXTS,
    stock_template_names,
)
from generator.report import EXIT_BAD_INPUT, EXIT_DRIFT, EXIT_INTERNAL, EXIT_OK


def _tags(value: str | None) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()] if value else []


COMMANDS = ("generate", "validate", "templates", "build", "diff")


class _Reparse(Exception):
    """A command line the one-subcommand parser rejects: parse it again with the full one."""


class _OneCommandParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Reparse(message)


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``only``: just that subcommand (argparse's set-up, with a gettext
    lookup per help string, was a tenth of a small run), raising :class:`_Reparse` instead of
    printing an error, so that errors always come from (and show the usage of) the full one."""
    parser = (_OneCommandParser if only else argparse.ArgumentParser)(
        prog="portarium-codegen",
        description="Generate a typed Python client from an OpenAPI 3.0/3.1 spec.",
    )
    parser.add_argument("--version", action="version", version=f"portarium-codegen {__version__}")
    sub = parser.add_subparsers(dest="command")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--spec", type=Path, default=DEFAULT_SPEC, help="OpenAPI file (YAML or JSON)"
        )
        p.add_argument(
            "--config", default=None, help="config file (default: ./codegen.yaml if present)"
        )
        p.add_argument("--report", type=Path, default=None, help="write a JSON run report here")
        p.add_argument("--allow-remote-refs", action="store_true", help="follow http(s) $refs")
        p.add_argument(
            "--allow-outside-root",
            action="store_true",
            help="follow file $refs outside the spec's folder",
        )
        p.add_argument("--quiet", "-q", action="store_true", help="print errors only")
        p.add_argument(
            "--strict",
            action="store_true",
            help="refuse spec defects the generator would work around (docs/recovery.md): "
            "every recovery warning becomes an error (exit 2)",
        )

    if only in (None, "generate"):
        _generate_parser(sub, common)
    if only in (None, "validate"):
        val = sub.add_parser("validate", help="load and validate a spec, print diagnostics")
        common(val)
    if only in (None, "templates"):
        _templates_parser(sub)
    if only in (None, "build"):
        _build_parser(sub)
    if only in (None, "diff"):
        _diff_parser(sub)
    return parser


def _generate_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    gen = sub.add_parser("generate", help="generate (or --check) a client package")
    common(gen)
    gen.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="output directory")
    gen.add_argument("--package-name", default=None, help="import name (default from project)")
    gen.add_argument(
        "--project-name", default=None, help="distribution name (default: output dir name)"
    )
    gen.add_argument("--templates", type=Path, default=None, help="directory of template overrides")
    gen.add_argument("--include-tags", default=None, help="comma-separated tags to generate")
    gen.add_argument("--exclude-tags", default=None, help="comma-separated tags to leave out")
    gen.add_argument(
        "--check", action="store_true", help="exit 1 if the output differs (no writes)"
    )


def _templates_parser(sub: Any) -> None:
    tpl = sub.add_parser(
        "templates",
        help="list or export stock templates (to override them with --templates DIR)",
        description="Stock templates can be overridden by a same-named file in --templates DIR. "
        "See docs/templates.md for the data each template receives.",
    )
    tsub = tpl.add_subparsers(dest="templates_command")
    tsub.add_parser("list", help="list stock template names and the context each receives")
    exp = tsub.add_parser(
        "export",
        help="copy stock templates into a directory (NAME... DIR, or --all DIR)",
    )
    exp.add_argument("names", nargs="+", help="template names followed by the target directory")
    exp.add_argument("--all", action="store_true", help="export every stock template")
    exp.add_argument("--force", action="store_true", help="overwrite files that already exist")


def _build_parser(sub: Any) -> None:
    bld = sub.add_parser(
        "build",
        help="build wheel + sdist of a generated client",
        description="Builds in a temporary copy (the generated tree stays untouched) with "
        "`python -m build`; --check runs `twine check --strict` on the results.",
    )
    bld.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="generated client directory"
    )
    bld.add_argument(
        "--dist", type=Path, default=Path("dist"), help="where to put dists (default: ./dist)"
    )
    bld.add_argument("--check", action="store_true", help="run `twine check --strict` on the dists")
    bld.add_argument(
        "--no-isolation",
        action="store_true",
        help="build with the current environment's setuptools (no download)",
    )
    bld.add_argument(
        "--bump",
        choices=["auto", "major", "minor", "patch"],
        default=None,
        help="first regenerate from --spec with the next version (auto: by the API changes, "
        "SemVer with the 0.x rule) and add a CHANGELOG.md entry; see docs/evolution.md",
    )
    bld.add_argument(
        "--spec", type=Path, default=DEFAULT_SPEC, help="spec to regenerate from (with --bump)"
    )
    bld.add_argument(
        "--since",
        default=None,
        help="previous release: a generated package directory or a version "
        "(default: the package at --output)",
    )
    bld.add_argument("--config", default=None, help="config file (with --bump)")
    bld.add_argument(
        "--no-dist", action="store_true", help="with --bump: version and changelog only, no dists"
    )


def _diff_parser(sub: Any) -> None:
    dif = sub.add_parser(
        "diff",
        help="what changes in the generated Python API between two specs or packages",
        description="Each side is a spec file or a generated package directory. Lists every "
        "change to the public surface and the wire contract behind it (breaking, behaviour, "
        "additive, docs), with the SemVer advice. See docs/evolution.md.",
    )
    dif.add_argument("old", type=Path, help="old spec file or generated package directory")
    dif.add_argument("new", type=Path, help="new spec file or generated package directory")
    dif.add_argument("--json", action="store_true", help="machine-readable output")
    dif.add_argument(
        "--fail-on",
        default="breaking",
        choices=["breaking", "behaviour", "never"],
        help="exit 1 when a change of this kind or worse is found (default: breaking)",
    )
    dif.add_argument("--config", default=None, help="config for spec sides (as for generate)")
    dif.add_argument("--package-name", default=None, help="import name for spec sides")
    dif.add_argument("--allow-remote-refs", action="store_true", help="follow http(s) $refs")
    dif.add_argument("--allow-outside-root", action="store_true", help="follow $refs outside")


def _diff(args: argparse.Namespace) -> int:
    from generator.apidiff import SideOptions, diff_command

    return diff_command(
        args.old,
        args.new,
        opts=SideOptions(
            config=args.config,
            package_name=args.package_name,
            allow_remote_refs=args.allow_remote_refs,
            allow_outside_root=args.allow_outside_root,
        ),
        as_json=args.json,
        fail_on=args.fail_on,
    )


def _print_diagnostics(outcome_diags: Sequence[object], quiet: bool) -> None:
    from generator.codes import SHOWN_NOTES
    from generator.diagnostics import Diagnostic

    diags = [d for d in outcome_diags if isinstance(d, Diagnostic)]
    if quiet:
        diags = [d for d in diags if d.severity is Severity.ERROR]
    else:
        diags = [d for d in diags if d.severity is not Severity.NOTE or d.code in SHOWN_NOTES]
    if diags:
        print(render_all(diags), file=sys.stderr)


def _generate(args: argparse.Namespace, validate_only: bool) -> int:
    opts = Options(
        spec=args.spec,
        output=getattr(args, "output", DEFAULT_OUTPUT),
        config=args.config,
        package_name=getattr(args, "package_name", None),
        project_name=getattr(args, "project_name", None),
        templates=getattr(args, "templates", None),
        include_tags=_tags(getattr(args, "include_tags", None)),
        exclude_tags=_tags(getattr(args, "exclude_tags", None)),
        check=getattr(args, "check", False),
        allow_remote_refs=args.allow_remote_refs,
        allow_outside_root=args.allow_outside_root,
        validate_only=validate_only,
        strict=args.strict,
    )
    outcome = run(opts)
    report = outcome.report
    _print_diagnostics(report.diagnostics, args.quiet)
    if args.report:
        report.write(args.report)
    errors = len(report.errors)
    warnings = sum(1 for d in report.diagnostics if d.severity is Severity.WARNING)
    if report.exit_code == EXIT_BAD_INPUT:
        print(
            f"error: {errors} error(s), {warnings} warning(s); nothing was written",
            file=sys.stderr,
        )
    elif report.exit_code == EXIT_DRIFT:
        print(f"drift: {opts.output} differs from what the spec generates now:", file=sys.stderr)
        from generator.apidiff import drift_summary

        api_change = drift_summary(opts.output, outcome.surface)
        if api_change is not None:
            print(f"api: {api_change.summary()}", file=sys.stderr)
            if api_change.changes:
                print(api_change.render_text(limit=20, summary=False), file=sys.stderr)
        print(outcome.diff_text, file=sys.stderr)
        print("run the same command without --check to update it", file=sys.stderr)
    elif not args.quiet:
        if validate_only:
            print(
                f"{opts.spec}: valid ({warnings} warning(s), {report.operations_total} operations)"
            )
        elif opts.check:
            print(f"{opts.output}: up to date ({report.files} files)")
        else:
            print(
                f"generated {opts.output}: {report.operations_generated}/{report.operations_total} "
                f"operations ({report.operations_degraded} degraded), {report.models} models, "
                f"{report.files} files, {warnings} warning(s)"
            )
    return report.exit_code


def _templates(args: argparse.Namespace) -> int:
    names = stock_template_names()
    if args.templates_command == "list":
        common = ", ".join(f"{k}: {t}" for k, t in COMMON_CONTEXT)
        print(f"# stock templates (IR contract {IR_VERSION}, docs/templates.md); all get {common}")
        width = max(len(n) for n in names)
        for name in names:
            extra = ", ".join(f"{k}: {t}" for k, t in TEMPLATE_CONTEXTS.get(name, ()))
            if name == "_header.jinja":
                extra = "(included by the .py templates)"
            print(f"{name:<{width}}  {extra}".rstrip())
        return EXIT_OK
    if args.templates_command == "export":
        *wanted, target = args.names
        if args.all:
            wanted = names
        if not wanted:
            print(
                "error: give template names and then a target directory (or --all DIR)",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        wanted = [n.removeprefix("stock/") for n in wanted]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            print(
                f"error: unknown template(s): {', '.join(unknown)}; see `templates list`",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        dest = Path(target)
        existing = [n for n in wanted if (dest / n).exists()]
        if existing and not args.force:
            print(
                f"error: {dest} already has {', '.join(existing)}; pass --force to overwrite",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        dest.mkdir(parents=True, exist_ok=True)
        for n in wanted:
            shutil.copyfile(STOCK_TEMPLATES / n, dest / n)
            print(f"exported {n} -> {dest / n}")
        return EXIT_OK
    print("usage: portarium-codegen templates {list,export}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _build(args: argparse.Namespace) -> int:
    """wheel + sdist of a generated client, built from a temporary copy of it."""
    import tempfile

    out: Path = args.output
    if args.bump is not None:
        from generator.bump import bump_command

        code = bump_command(
            spec=args.spec, output=out, bump=args.bump, since=args.since, config=args.config
        )
        if code != EXIT_OK or args.no_dist:
            return code
    if not (out / "pyproject.toml").is_file():
        print(f"error: {out} has no pyproject.toml; generate the client first", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        import build  # noqa: F401
    except ImportError:
        print("error: `build` is not installed: pip install build", file=sys.stderr)
        return EXIT_BAD_INPUT
    dist: Path = args.dist.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    before = set(dist.iterdir())
    with tempfile.TemporaryDirectory(prefix="codegen-build-") as tmp:
        src = Path(tmp) / out.resolve().name
        ignore = shutil.ignore_patterns(
            "dist", "build", "*.egg-info", "__pycache__", ".mypy_cache", ".ruff_cache"
        )
        shutil.copytree(out, src, ignore=ignore)
        cmd = [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist), str(src)]
        if args.no_isolation:
            cmd.append("--no-isolation")
        code = subprocess.call(cmd)
    if code != 0:
        print(f"error: `python -m build` failed (exit {code})", file=sys.stderr)
        return EXIT_INTERNAL
    built = sorted(set(dist.iterdir()) - before) or sorted(dist.iterdir())
    for path in built:
        print(f"built {path}")
    if args.check:
        twine = [sys.executable, "-m", "twine", "check", "--strict", *map(str, built)]
        if subprocess.call(twine) != 0:
            print("error: twine check failed", file=sys.stderr)
            return EXIT_INTERNAL
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    first = list(argv if argv is not None else sys.argv[1:])[:1]
    try:
        parser = _parser(first[0] if first and first[0] in COMMANDS else None)
        args = parser.parse_args(argv)
    except _Reparse:
        parser = _parser()
        args = parser.parse_args(argv)
    command = args.command or "generate"
    if args.command is None:
        args = parser.parse_args(["generate", *(argv or sys.argv[1:])])
    try:
        if command == "generate":
            return _generate(args, validate_only=False)
        if command == "validate":
            return _generate(args, validate_only=True)
        if command == "templates":
            return _templates(args)
        if command == "build":
            return _build(args)
        if command == "diff":
            return _diff(args)
    except KeyboardInterrupt:
        print("interrupted; the previous output is untouched", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception:  # noqa: BLE001 - the boundary: any bug becomes exit 3 with a traceback
        import traceback  # only here: it loads linecache, tokenize and textwrap

        traceback.print_exc()
        print(
            "internal error: this is a bug in portarium-codegen; the previous output is untouched",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    parser.print_help()
    return EXIT_BAD_INPUT
