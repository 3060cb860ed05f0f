"""portarium-codegen: OpenAPI 3.0/3.1 -> typed, dataclass-based Python clients rendered from Jinja templates.

Pipeline (ordered only by :mod:`generator.pipeline`)::

    cli -> load -> validate -> build IR (resolve refs, name things) -> plan -> render -> format -> write | check
"""

__version__ = "0.1.0"
