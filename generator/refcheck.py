"""Which ``$ref``\\ s of a loaded spec do not resolve, reported where they are written.

Run with the validate stage, after :mod:`generator.loader` read every file. A dangling ref or a
missing file is a recovery (docs/recovery.md): the build stage types what the ref stands for as
``Any`` or degrades the operation part. Malformed refs stay errors (``E0306``).
"""

from __future__ import annotations

import os

from generator import codes
from generator.diagnostics import DiagnosticSink
from generator.loader import LoadedSpec, RefSite, resolve_ref, split_ref
from generator.source_map import is_remote

__all__ = ["check_refs"]


def check_refs(spec: LoadedSpec, sink: DiagnosticSink) -> None:
    """Report every ``$ref`` that does not resolve (``W0320``) or is malformed (``E0306``).

    A dangling ref is a recovery (docs/recovery.md): the build stage types the schema holding it
    as ``Any`` or degrades the operation part it stands for. Refs into documents that
    failed to load were reported by the loader and are skipped. Refs inside ``x-`` extensions are
    data and never followed; one that would not resolve gets ``W0261`` (it used to stop the run).
    """
    locator = spec.source_map
    for site in spec.refs:
        if site.extension:
            _check_extension_ref(spec, site, sink)
            continue
        if site.literal:
            continue
        key = spec.key(site.uri, site.ref_pointer)
        if not isinstance(site.ref, str):
            sink.error(codes.E_BAD_REF, "$ref must be a string", key, locator=locator)
            continue
        address, pointer = split_ref(site.ref)
        if pointer is None:
            sink.error(
                codes.E_BAD_REF,
                f"$ref {site.ref!r}: only JSON-pointer fragments ('#/...') are supported",
                key,
                locator=locator,
            )
            continue
        uri = spec.target_uri(address, site.uri)
        if uri is None or uri in spec.failed:
            continue
        if resolve_ref(spec, site.ref, site.uri) is None:
            where = spec.key(uri, pointer)
            sink.warning(
                codes.W_DANGLING_REF,
                f"$ref {site.ref!r} does not resolve: nothing at {where}; what it stands for is "
                "typed as Any (a parameter, response or body is left out or passed through)",
                key,
                hint="fix the pointer (--strict refuses dangling refs)",
                locator=locator,
            )


def _check_extension_ref(spec: LoadedSpec, site: RefSite, sink: DiagnosticSink) -> None:
    """``W0261`` for a ``$ref`` in an ``x-`` extension that would not resolve (never followed)."""
    if not isinstance(site.ref, str):
        return
    address, pointer = split_ref(site.ref)
    uri = spec.target_uri(address, site.uri)
    if uri is None or is_remote(uri):
        return
    if uri in spec.documents:
        if pointer is None or resolve_ref(spec, site.ref, site.uri) is not None:
            return
    elif os.path.isfile(uri):
        return  # a file the extension names (Markdown, code samples): its business, not ours
    sink.warning(
        codes.W_REF_IN_OPAQUE_DATA,
        f"$ref {site.ref!r} inside an x- extension does not resolve; extensions are opaque data, "
        "so it is kept as written and never followed",
        spec.key(site.uri, site.ref_pointer),
        locator=spec.source_map,
    )
