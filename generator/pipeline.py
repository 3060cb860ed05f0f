"""The only place that orders the stages: load -> validate -> build IR -> plan -> render -> format
-> write | check. Each stage reads the previous stage's value and records diagnostics in one sink;
the pipeline stops after a stage that recorded errors (exit 2), so one run reports every problem of
that stage. Generator bugs propagate as ordinary exceptions (the CLI maps them to exit 3).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any, cast

from generator import __version__, pagination
from generator.bindings import bind_names
from generator.build import BuildResult, build_api
from generator.changelog import latest_version
from generator.codes import RECOVERY_CODES
from generator.config import Config
from generator.diagnostics import DiagnosticSink, FatalInputError, Location, Locator
from generator.gcpause import collecting, collector_off
from generator.ir import Api
from generator.loader import LoadedSpec, load_spec
from generator.naming import snake_case
from generator.output import (
    MANIFEST,
    CompileCheck,
    FormatterUnavailable,
    OutputError,
    clean_leftovers,
    create_file,
    diff_trees,
    digest,
    digest_files,
    format_tree,
    make_parents,
    manifest_of_digests,
    new_stage,
    read_files,
    read_tree,
    ruff_command,
    spec_digest,
    stage,
    swap,
    syntax_errors,
)
from generator.overlap import (
    PARALLEL_MIN_OPERATIONS,
    LateStop,
    LateValidation,
    parallel_worthwhile,
    validate,
    validate_beside_build,
)
from generator.path_items import operations_of
from generator.plan import PlannedFile, Planner, forget_memos
from generator.pyproject_config import config_source, load_any_config
from generator.records import mutable_record
from generator.render import TemplateError, make_environment, render
from generator.report import EXIT_BAD_INPUT, EXIT_DRIFT, EXIT_OK, Report
from generator.surface import SURFACE_FILE, Surface, extract
from generator.versions import package_version

CHANGELOG = "CHANGELOG.md"
DEFAULT_SPEC = Path("spec/portarium-control-plane.v1.yaml")
DEFAULT_OUTPUT = Path("output/portarium-client")


@mutable_record()
class Options:
    """What one run was asked to do (the command line, or a library caller's arguments)."""

    spec: Path = DEFAULT_SPEC
    output: Path = DEFAULT_OUTPUT
    config: str | None = None
    package_name: str | None = None
    project_name: str | None = None
    templates: Path | None = None
    include_tags: Sequence[str] = ()
    exclude_tags: Sequence[str] = ()
    check: bool = False
    allow_remote_refs: bool = False
    allow_outside_root: bool = False
    validate_only: bool = False
    skip_format: bool = False
    surface_only: bool = False  # stop after planning with ``Outcome.surface`` (``diff``)
    version: str | None = None  # package version, over config and spec (``build --bump``)
    changelog: bytes | None = None  # CHANGELOG.md to write (``build --bump``); None: keep it
    strict: bool = False


@mutable_record()
class Outcome:
    """What one run produced: the report, the diagnostics, and the tree or its diff."""

    report: Report
    sink: DiagnosticSink
    diff_text: str = ""
    # --check: the tree that would be written (path -> bytes); empty for a written tree
    files: dict[str, bytes] = field(default_factory=dict)
    surface: Surface | None = None
    # the split path (large specs) hands these from rendering on to formatting
    staged: Path | None = None
    ruff: list[str] | None = None
    checker: CompileCheck | None = None
    locator: Locator | None = None
    # the split path's surface snapshot: its digest, taken from the bytes as they were written
    surface_sha256: str = ""
    # validation still to run, while ruff formats (overlap.LateValidation)
    late: LateValidation | None = None


def _names(config: Config, opts: Options, title: str) -> Config:
    project = opts.project_name or config.project_name
    package = opts.package_name or config.package_name
    if not project:
        project = (
            opts.output.name
            if opts.output.name
            else snake_case(title).replace("_", "-") + "-client"
        )
    if not package:
        package = snake_case(project)
    include = tuple(opts.include_tags) or config.include_tags
    exclude = tuple(opts.exclude_tags) or config.exclude_tags
    templates = opts.templates or config.templates_dir
    return replace(
        config,
        project_name=project,
        package_name=package,
        include_tags=include,
        exclude_tags=exclude,
        templates_dir=templates,
    )


def count_operations(spec: LoadedSpec) -> int:
    from generator.loader import resolve_ref

    root = spec.documents[spec.root_uri]
    paths = root.get("paths") if isinstance(root, dict) else None
    total = 0
    if not isinstance(paths, dict):
        return 0
    for item in paths.values():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            found = resolve_ref(spec, item["$ref"], spec.root_uri)
            item = found[2] if found else None
        if isinstance(item, dict):
            total += sum(1 for _ in operations_of(item, spec.oas))
    return total


def needs_fix_pass(config: Config, package_name: str) -> bool:
    """Whether ``ruff check --fix`` must tidy the imports of the rendered tree.

    Not for the stock templates: the planner lays out their imports as that pass would
    (:mod:`generator.imports`). Still for template overrides (their imports are theirs), for
    renamed error classes (``__init__.py`` imports two of them in template order), and for a
    package named like the one third-party module the code imports (``httpx`` would then sort
    as first party).
    """
    return (
        config.templates_dir is not None
        or config.error_names is not None
        or package_name.split(".", 1)[0] == "httpx"
    )


SMALL_TREE = 128 * 1024
"""Bytes of rendered (not verbatim) Python up to which ``compile()`` in this process checks the
output instead of ruff's compile rules: starting a ruff process costs about what compiling
~100 KB of Python does."""


def run(opts: Options) -> Outcome:
    report = Report(spec=str(opts.spec), output=str(opts.output))
    sink = DiagnosticSink()
    outcome = Outcome(report, sink)
    try:
        with collector_off():
            _run(opts, report, sink, outcome)
    except FatalInputError:
        report.exit_code = EXIT_BAD_INPUT
    except TemplateError as exc:
        sink.extend([exc.diagnostic])
        report.exit_code = EXIT_BAD_INPUT
    except FormatterUnavailable as exc:
        sink.error("E0802", str(exc))
        report.exit_code = EXIT_BAD_INPUT
    except OutputError as exc:
        sink.error("E0801", str(exc), location=Location(str(opts.output), 0, 0))
        report.exit_code = EXIT_BAD_INPUT
    sink.locate_deferred()  # what no stage located yet (see overlap.validate_beside_build)
    report.diagnostics = list(sink.items)
    if report.errors and report.exit_code == EXIT_OK:
        report.exit_code = EXIT_BAD_INPUT
    return outcome


def _run(opts: Options, report: Report, sink: DiagnosticSink, outcome: Outcome) -> None:
    with report.stage("config"):
        config_path = config_source(opts.config, Path.cwd(), sink)
        config = load_any_config(config_path, sink)
        sink.strict = opts.strict or config.strict
        sink.promote = RECOVERY_CODES
    with report.stage("load"):
        spec = load_spec(
            opts.spec,
            sink,
            allow_remote_refs=opts.allow_remote_refs,
            allow_outside_root=opts.allow_outside_root,
        )
        sink.locator = spec.source_map
        outcome.locator = spec.source_map
    # Recovery errors (--strict) do not stop the stages up to the build: one run lists them all.
    if sink.has_blocking_errors:
        return
    operations = count_operations(spec)
    root = spec.documents[spec.root_uri]
    info: dict[str, Any] = {}
    if isinstance(root, dict) and isinstance(root.get("info"), dict):
        info = root["info"]
    del root
    title = str(info.get("title", "api"))
    # The stages after the build take the spec and the build's result out of ``held``: no frame
    # here keeps them (the parsed spec is ~80 MiB on Microsoft Graph, and it goes before planning).
    held: list[Any]
    if not opts.validate_only and parallel_worthwhile(operations):
        config = _names(config, opts, title)
        built = validate_beside_build(spec, config, sink, report)
        report.operations_total = operations
        if built is None:
            return
        held = [spec, built]
        del spec, built
        _generate(opts, report, outcome, sink, held, config, config_path, info)
        return
    if _validates_late(opts, config, sink):
        # Validated while ruff formats (overlap.LateValidation): the stages up to the write
        # record into a side sink, which settle() merges as the serial order would have.
        report.operations_total = operations
        late = LateValidation(spec, sink, report)
        outcome.late = late
        try:
            config = _names(config, opts, title)
            with report.stage("build"):
                held = [spec, build_api(spec, config, late.later)]
            late.built()
            del spec
            _generate(opts, report, outcome, late.later, held, config, config_path, info)
        except Exception:
            if late.settle():
                return  # validation stops the run: its result (and the tree) is dropped
            raise
        finally:
            outcome.late = None
        late.settle()
        return
    with report.stage("validate"), collecting():
        validate(spec, sink)
    report.operations_total = operations
    if sink.has_blocking_errors or opts.validate_only:
        return
    config = _names(config, opts, title)
    with report.stage("build"):
        held = [spec, build_api(spec, config, sink)]
    del spec
    _generate(opts, report, outcome, sink, held, config, config_path, info)


def _validates_late(opts: Options, config: Config, sink: DiagnosticSink) -> bool:
    """Whether validation waits for ruff (:class:`LateValidation`): a run that formats with ruff,
    generates (not ``--validate-only`` or ``diff``'s surface), and has no error yet (a promoted
    recovery warning of the load stops the run after the build, which then runs serially)."""
    return (
        config.formatter == "ruff"
        and not opts.skip_format
        and not opts.validate_only
        and not opts.surface_only
        and not sink.has_errors
    )


def _generate(
    opts: Options,
    report: Report,
    outcome: Outcome,
    sink: DiagnosticSink,
    held: list[Any],
    config: Config,
    config_path: Path | None,
    info: dict[str, Any],
) -> None:
    """The stages after the build: plan, surface, render, write, format, swap (or check).
    ``held``: the loaded spec and the build's result, taken out here."""
    spec, result = cast("tuple[LoadedSpec, BuildResult]", tuple(held))
    held.clear()
    api = result.api
    report.models = len(api.models)
    report.operations_generated = len(api.operations)
    report.operations_degraded = sum(1 for op in api.operations if op.degraded)
    report.degraded = [
        {"method": op.method, "path": op.path, "pointer": op.pointer, "reasons": list(op.degraded)}
        for op in api.operations
        if op.degraded
    ]
    report.operations_skipped = report.operations_total - report.operations_generated
    report.paginated = [
        {"operation": op.id, "pointer": op.pointer, **pagination.describe(op.pagination)}
        for op in api.operations
        if op.pagination is not None
    ]
    if sink.has_errors:
        return
    changelog = opts.changelog
    if changelog is None and (opts.output / CHANGELOG).is_file():
        changelog = (opts.output / CHANGELOG).read_bytes()
    released = latest_version(changelog.decode("utf-8", "replace")) if changelog else None
    version, unchanged = package_version(
        opts.version or config.version or released or api.version or "0.1.0"
    )
    if not unchanged and not (opts.version or released):
        where = "#/info/version" if not config.version else ""
        sink.warning(
            "W0140",
            f"version {config.version or api.version!r} is not a PEP 440 version; "
            f"the package is versioned {version!r}",
            where,
            hint="set `version:` in codegen.yaml to choose the package version",
        )
    license_name = "Proprietary"
    lic = info.get("license")
    if isinstance(lic, dict):
        # An SPDX ``identifier`` (3.1) is what packaging metadata wants; the name is a fallback.
        for key in ("identifier", "name"):
            if isinstance(lic.get(key), str) and lic[key].strip():
                license_name = lic[key]
                break
    spec_files = sorted(spec.documents)  # what the manifest hashes
    locator = spec.source_map
    # The IR holds all that the later stages read: the parsed spec goes (~80 MiB on Graph).
    del spec, info, lic
    with report.stage("plan"):
        planner = Planner(
            api,
            version,
            max_retries=config.max_retries,
            timeout=config.timeout,
            connect_timeout=config.connect_timeout,
        )
        bind_names(planner, sink)
        planned = planner.files()
        api = planner.api  # with the names bind_names gave (the surface reports what is emitted)
    names = (
        [pf.path for pf in planned]
        + [SURFACE_FILE]
        + ([CHANGELOG] if changelog is not None else [])
    )
    if (
        not opts.surface_only
        and parallel_worthwhile(report.operations_total)
        and len(set(names)) == len(names)
    ):
        fix = needs_fix_pass(config, api.package_name)
        as_is = [pf.path for pf in planned if pf.template is None]
        box = [api]
        del api, result, planner  # the views hold what rendering needs; the surface takes box
        forget_memos()
        _render_split(opts, report, outcome, config, box, planned, names, version, license_name)
        _finish_split(opts, report, outcome, names, changelog, fix, spec_files, config_path, as_is)
        return
    fix = needs_fix_pass(config, api.package_name)
    surface_later: Callable[[bool], bytes] | None = None
    if opts.surface_only or report.operations_total >= PARALLEL_MIN_OPERATIONS:
        with report.stage("surface"):
            surface = extract(api, planned, version=version, spec=str(opts.spec), locator=locator)
        outcome.surface = surface
        if opts.surface_only:
            return
        with report.stage("surface"):
            snapshot = surface.dumps()
        if not opts.check:  # only the drift report of ``--check`` reads it again
            outcome.surface = None
        del surface
    else:
        # A small tree: the surface is extracted while ruff checks the formatted tree (this
        # process only waits then), from views kept for it through rendering.
        report.timings.setdefault("surface", 0.0)  # the report lists the stages in serial order
        surface_later = _surface_later(opts, report, outcome, api, list(planned), version, locator)
        snapshot = None
    # The views (and the IR they name) hold what rendering needs; the surface is let go here
    # (~100 MiB on Microsoft Graph), and the memo tables of the earlier stages.
    del api, result, planner
    forget_memos()
    verbatim = {pf.path for pf in planned if pf.template is None}
    with report.stage("render"):
        env = make_environment([config.templates_dir] if config.templates_dir else [])
        rendered: dict[str, bytes] = {}
        # Each file's view is dropped once it is rendered: on Microsoft Graph the views take
        # more memory than the rendered text (150 vs 115 MiB), so both at once set the peak.
        planned.reverse()
        pf: PlannedFile | None = None
        ctx: dict[str, object] | None = None
        while planned:
            pf = planned.pop()
            # A copy of the path made now: the planned one sits among the views, and kept as a
            # key it would keep their pages from going back to the system.
            path = "".join(("", pf.path))
            if pf.template is None:
                rendered[path] = pf.source.read_bytes() if pf.source else b""
            else:
                ctx = {**pf.context, "license": license_name, "generator_version": __version__}
                rendered[path] = render(env, pf.template, ctx).encode("utf-8")
        pf = ctx = None  # the last file's context names the whole IR: let it go too
        if snapshot is not None:
            rendered[SURFACE_FILE] = snapshot
        del snapshot
        # CHANGELOG.md is written by ``build --bump``, not generated: every run carries it over.
        if changelog is not None:
            rendered[CHANGELOG] = changelog
    formatted = config.formatter == "ruff" and not opts.skip_format
    ruff = ruff_command() if formatted else None  # a missing ruff stops the run before any write
    with report.stage("write"):
        # What the stock templates render is checked for compile errors by ruff (the rules of
        # output.RUFF_COMPILE_RULES, in format_tree); anything else -- template overrides, or no
        # ruff at all -- by compiling every rendered module, which starts now beside the writing
        # and formatting below. A small tree (up to SMALL_TREE) is compiled in this process while
        # ruff formats, which is quicker than a ruff process. Verbatim copies (the runtime) are
        # the generator's tested source.
        checker: CompileCheck | None = None
        generated = {k: v for k, v in rendered.items() if k.endswith(".py") and k not in verbatim}
        small = sum(map(len, generated.values())) <= SMALL_TREE
        if ruff is None or config.templates_dir is not None or small:
            checker = CompileCheck(generated, fork=not small)
        del generated
    try:
        _write_format_swap(
            opts,
            report,
            outcome,
            rendered,
            checker,
            ruff,
            fix,
            spec_files,
            config_path,
            as_is=sorted(verbatim),
            surface_later=surface_later,
        )
    finally:
        if checker is not None:
            checker.close()


def _surface_later(
    opts: Options,
    report: Report,
    outcome: Outcome,
    api: Api,
    planned: list[PlannedFile],
    version: str,
    locator: Locator,
) -> Callable[[bool], bytes]:
    """The surface stage, to run later: extract the surface of ``planned`` and serialise it
    (``beside``: while ruff checks the tree, the time counts as overlapped)."""

    def later(beside: bool) -> bytes:
        start = time.perf_counter()
        with report.stage("surface"):
            surface = extract(api, planned, version=version, spec=str(opts.spec), locator=locator)
            planned.clear()
            if opts.check:  # only the drift report of ``--check`` reads it again
                outcome.surface = surface
            data = surface.dumps()
        if beside:
            report.overlapped["surface"] = round(time.perf_counter() - start, 4)
        return data

    return later


def _render_split(
    opts: Options,
    report: Report,
    outcome: Outcome,
    config: Config,
    box: list[Api],
    planned: list[PlannedFile],
    names: list[str],
    version: str,
    license_name: str,
) -> None:
    """Render and write a large tree into a new staged dir (``outcome.staged``) in two processes,
    extracting the surface beside (:mod:`generator.render_split`); the serial path's checks hold:
    the first template error in plan order stops the run, a missing ruff stops it after that."""
    formatted = config.formatter == "ruff" and not opts.skip_format
    missing: FormatterUnavailable | None = None
    try:
        outcome.ruff = ruff_command() if formatted else None
    except FormatterUnavailable as exc:
        missing = exc
    with report.stage("write"):
        if not opts.check:  # --check never touches anything at or beside the output
            clean_leftovers(opts.output)
        staged = new_stage(opts.output, beside=not opts.check)
    outcome.staged = staged
    try:
        root = os.fspath(staged)
        with report.stage("write"):
            make_parents(root, names)
        generated = [pf.path for pf in planned if pf.template and pf.path.endswith(".py")]
        with report.stage("render"):
            env = make_environment([config.templates_dir] if config.templates_dir else [])

        def surface() -> None:
            with report.stage("surface"):
                api = box.pop()
                snapshot = outcome.surface = extract(
                    api, planned, version=version, spec=str(opts.spec), locator=outcome.locator
                )
                del api
            with report.stage("write"):
                hashed = hashlib.sha256()

                def pieces() -> Iterator[bytes]:
                    for chunk in snapshot.chunks():
                        hashed.update(chunk)
                        yield chunk

                create_file(os.path.join(root, SURFACE_FILE), pieces())
                outcome.surface_sha256 = hashed.hexdigest()
            if not opts.check:  # only the drift report of ``--check`` reads it again
                outcome.surface = None

        compile_check = not formatted or config.templates_dir is not None
        extra = {"license": license_name, "generator_version": __version__}
        from generator.render_split import render_into  # large specs only: see overlap

        found, hidden = render_into(
            cast("list[PlannedFile | None]", planned),  # each view is dropped once written
            env,
            extra,
            root,
            compile_check=compile_check,
            beside=surface,
        )
        del planned[:]
        for name, seconds in (("render", found.render_seconds), ("write", found.write_seconds)):
            report.timings[name] = round(report.timings.get(name, 0.0) + seconds, 4)
        report.overlapped["render"] = round(hidden, 4)
        if found.template_error is not None:
            raise TemplateError(found.template_error[1])
        if missing is not None:
            raise missing
        if compile_check:
            outcome.checker = CompileCheck.found([e for _, e in found.compile_errors])
        elif found.generated_bytes <= SMALL_TREE:
            texts = {rel: (staged / rel).read_bytes() for rel in generated}
            outcome.checker = CompileCheck.found(syntax_errors(texts))
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def _finish_split(
    opts: Options,
    report: Report,
    outcome: Outcome,
    names: list[str],
    changelog: bytes | None,
    fix: bool,
    spec_files: list[str],
    config_path: Path | None,
    as_is: Sequence[str],
) -> None:
    """The changelog beside the rendered files, then format, check and swap."""
    staged = outcome.staged
    assert staged is not None
    try:
        with report.stage("write"):
            if changelog is not None:
                create_file(os.fspath(staged / CHANGELOG), changelog)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    _write_format_swap(
        opts,
        report,
        outcome,
        None,
        outcome.checker,
        outcome.ruff,
        fix,
        spec_files,
        config_path,
        names,
        as_is=as_is,
    )


def _while_formatting(outcome: Outcome) -> None:
    """This process's work while ruff formats: validation run late, then the locating of
    diagnostics recorded without their location."""
    if outcome.late is not None:
        outcome.late.run(beside=True)
    outcome.sink.locate_deferred()


def _write_format_swap(
    opts: Options,
    report: Report,
    outcome: Outcome,
    rendered: dict[str, bytes] | None,
    checker: CompileCheck | None,
    ruff: list[str] | None,
    fix: bool,
    spec_files: list[str],
    config_path: Path | None,
    names: list[str] | None = None,
    *,
    as_is: Sequence[str] = (),
    surface_later: Callable[[bool], bytes] | None = None,
) -> None:
    """Stage ``rendered`` (or take ``outcome.staged``, holding ``names``), format, check, swap.

    ``as_is``: the verbatim copies of the generator's runtime, which are already formatted
    (``tests/unit/test_runtime_formatted.py``) and so are not given to the formatter unless
    the fixer runs (template overrides: it may change imports anywhere). ``surface_later``:
    the surface snapshot, made when the tree is read back (beside ruff's compile check) and
    written then, when ``rendered`` does not hold it yet."""
    if rendered is not None:
        with report.stage("write"):
            if not opts.check:  # --check never touches anything at or beside the output
                clean_leftovers(opts.output)
            staged = stage(opts.output, rendered, beside=not opts.check)
    else:
        assert outcome.staged is not None and names is not None
        staged = outcome.staged
    try:
        with report.stage("format"):
            # ruff rewrites files in place and creates none: what was written is read back for
            # --check (compared with the committed tree); a generated tree only needs each file's
            # digest for the manifest, so no copy of the tree stays in memory (Graph: 200 MB).
            # The read-back runs once the tree is formatted, beside ruff's compile check.
            listed: Iterable[str] = rendered if rendered is not None else (names or ())
            # While ruff formats, this process hashes the spec and digests the surface snapshot
            # (JSON, which ruff never touches: it does format Markdown), which on a large spec
            # would otherwise wait for the formatted tree (Microsoft Graph: 60 MB of surface).
            untouched: dict[str, str] = {}
            spec_sha256: list[str] = []

            def while_formatting() -> None:
                _while_formatting(outcome)
                spec_sha256.append(spec_digest(spec_files))
                if opts.check:  # the tree is read back whole: nothing to spare
                    return
                if rendered is not None:  # (a small tree's surface is only made after ruff)
                    if SURFACE_FILE in rendered:
                        untouched[SURFACE_FILE] = digest(rendered[SURFACE_FILE])
                elif outcome.surface_sha256:  # written by the split path, digested then
                    untouched[SURFACE_FILE] = outcome.surface_sha256

            def read_back() -> tuple[dict[str, bytes], dict[str, str]]:
                if surface_later is not None:  # written now, not given to ruff (JSON)
                    assert rendered is not None
                    # beside ruff's compile check when that runs (no CompileCheck here)
                    beside = ruff is not None and checker is None
                    data = rendered[SURFACE_FILE] = surface_later(beside)
                    create_file(os.fspath(staged / SURFACE_FILE), data)
                    if not opts.check:  # (--check reads the whole tree back)
                        untouched[SURFACE_FILE] = digest(data)
                files: dict[str, bytes] = {}
                if opts.check:
                    if rendered is not None and ruff is None:
                        files = dict(sorted(rendered.items(), key=lambda kv: kv[0].split("/")))
                    else:
                        files = read_files(staged, listed, release=True)
                    return files, {rel: digest(data) for rel, data in files.items()}
                if rendered is not None and ruff is None:
                    return files, {rel: digest(data) for rel, data in rendered.items()}
                names_read = [
                    rel
                    for rel in (rendered if rendered is not None else listed)
                    if rel not in untouched
                ]
                if rendered is not None:
                    rendered.clear()
                return files, {**untouched, **digest_files(staged, names_read)}

            read: list[tuple[dict[str, bytes], dict[str, str]]] = []
            if ruff is not None:
                result_fmt = format_tree(
                    staged,
                    checker,
                    ruff,
                    fix=fix,
                    skip=() if fix else as_is,
                    meanwhile=lambda: read.append(read_back()),
                    formatting=while_formatting,
                )
                if not result_fmt.ok:
                    raise RuntimeError(f"ruff failed on generated code:\n{result_fmt.message}")
            else:
                assert checker is not None  # built whenever no formatter runs
                broken = checker.errors()
                if broken:
                    raise RuntimeError("generated code does not parse:\n" + "\n".join(broken[:20]))
            if outcome.late is not None and not outcome.late.passes():
                raise LateStop  # nothing is swapped in: the staged tree goes below
            files, digests = read[0] if read else read_back()
            spec_sha = spec_sha256[0] if spec_sha256 else spec_digest(spec_files)
            config_bytes = (
                config_path.read_bytes() if config_path and config_path.is_file() else b""
            )
            written = manifest_of_digests(spec_sha, config_bytes, __version__, digests)
            (staged / MANIFEST).write_bytes(written)
            if opts.check:
                files[MANIFEST] = written
        report.files = len(digests) + 1
        outcome.files = files
        if opts.check:
            with report.stage("check"):
                current = read_tree(opts.output)
                diff = diff_trees(current, files)
                report.drift = {"changed": diff.changed, "new": diff.missing, "removed": diff.extra}
                if not diff.clean:
                    report.exit_code = EXIT_DRIFT
                    outcome.diff_text = diff.summary() + "\n" + "\n".join(diff.excerpts)
            shutil.rmtree(staged, ignore_errors=True)
            return
        with report.stage("swap"):
            swap(staged, opts.output)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
