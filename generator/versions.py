"""Package versions: the spec's ``info.version`` made into a valid PEP 440 version.

API versions are free text (``2024-10-01``, ``v3``, ``1.0.0-beta+build.5``, ``latest``); a wheel's
version is not. :func:`package_version` keeps a version that is already PEP 440 (the permissive
form pip accepts: ``v`` prefix, ``-beta``, ``.post1``, ``+local``), and otherwise keeps the first
run of release numbers it finds, or ``0.0.0`` -- and says so, so the caller can warn.
"""

from __future__ import annotations

import re

_PEP440 = re.compile(
    r"""^\s*v?
    (?:[0-9]+!)?                                            # epoch
    [0-9]+(?:\.[0-9]+)*                                     # release
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?     # pre-release
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?           # post-release
    (?:[-_.]?dev[-_.]?[0-9]*)?                              # development release
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?                     # local version
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_RELEASE = re.compile(r"[0-9]+(?:\.[0-9]+)*")


def is_pep440(version: str) -> bool:
    return bool(_PEP440.match(version))


def package_version(raw: str) -> tuple[str, bool]:
    """``(version, unchanged)``: ``raw`` if it is PEP 440, else the best valid version from it."""
    text = raw.strip()
    if text and is_pep440(text):
        return text.removeprefix("v").removeprefix("V"), text == raw
    found = _RELEASE.search(re.sub(r"(?<=[0-9])-(?=[0-9])", ".", text))  # 2024-10-01 -> 2024.10.1
    release = found.group(0) if found else "0.0.0"
    return ".".join(str(int(part)) for part in release.split(".")), False
