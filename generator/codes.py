"""Diagnostic codes: the one table of every stable code the generator emits.

Codes are part of the user-facing contract (tests, ``--report`` consumers and users' CI match on
them); messages are prose and may change. The numeric part of a code is unique across severities,
so ``E0101`` and ``W0101`` never both exist. Ranges:

=========  ===========================================================================
``E01xx``  load: reading and parsing one file (syntax, encoding, size and shape limits)
``W01xx``  load: something odd in a file that was read anyway
``E013x``  load: the ``openapi`` version field (``W0133`` for a version treated as another)
``W018x``  validate: OpenAPI 3.2 constructs read with a documented choice
``E02xx``  validate: structure the generator cannot work around (generation would be unsound)
``W02xx``  validate: findings of the OpenAPI schema / openapi-spec-validator that are tolerated
``E03xx``  ``$ref`` following (external files, remote documents, dangling pointers)
``W025x``  build: operations (parameters, responses, tag filters)
``W026x``  recovery: a spec defect worked around with a documented choice (``W0260``-``W0289``)
``W032x``  recovery: ``$ref`` uses that dangle or sit in opaque data (``W0320``-``W0329``)
``W03xx``  build: a schema ``$ref`` that cannot be typed (``W0311``)
``W04xx``  build: schemas degraded to a typed fallback (``E0404``: nesting too deep)
``N055x``  build: names changed to stay unique (notes, shown in ``--report``)
``N056x``  build: names shortened (FastAPI operationIds; notes, shown in ``--report``)
``W06xx``  build: pagination (overrides that do not fit, operations that could not be wired)
``E05xx``  config file (``codegen.yaml``); ``E07xx`` templates; ``E08xx`` output location/tools
``W016x``  Swagger 2.0 input: translation choices (``W0160``-``W0163``) and findings of the
           Swagger 2.0 JSON Schema (``W0165`` / ``W0166`` / ``W0167``)
``E051x``  config from ``[tool.portarium-codegen]`` in ``pyproject.toml`` (and which file wins)
``E090x``  ``diff`` / ``build --bump``: a side that cannot be read, a missing previous release
``W0140``  the package version had to be derived (``info.version`` is not PEP 440)
=========  ===========================================================================

Add a code here before using it; ``tests/test_validate.py`` checks every code a stage emits is
listed.

Recovery codes (:data:`RECOVERY_CODES`): warnings for a spec defect the generator works around
with a deterministic, documented choice (``docs/recovery.md``). Under ``--strict`` (or
``strict: true`` in ``codegen.yaml``) the sink records each of them as an error, so the run exits
2 at the same location. A stage that adds a recovery adds its code to that set; nothing else needs
to change.
"""

from __future__ import annotations

from types import MappingProxyType

# Notes printed on the console like warnings (the other notes only go to ``--report``).
SHOWN_NOTES = frozenset({"N0556"})

# -- load (E01xx / W01xx) ---------------------------------------------------------------------
E_FILE_NOT_FOUND = "E0101"
E_NOT_A_FILE = "E0102"
E_EMPTY_FILE = "E0103"
E_ENCODING = "E0104"
E_YAML_SYNTAX = "E0105"
E_JSON_SYNTAX = "E0106"
E_DUPLICATE_KEY = "E0107"
E_TOP_LEVEL_NOT_MAPPING = "E0108"
E_FILE_TOO_LARGE = "E0109"
E_ALIAS_BOMB = "E0110"
E_SCALAR_TOO_LONG = "E0111"
E_TOO_DEEP = "E0112"
E_YAML_TAG = "E0113"
E_NON_SCALAR_KEY = "E0114"
E_READ_FAILED = "E0115"
E_MISSING_OPENAPI = "E0130"
E_SWAGGER_2 = "E0131"
E_UNSUPPORTED_VERSION = "E0132"
W_VERSION_TREATED_AS = "W0133"
E_VERSION_NOT_STRING = "E0134"

# -- OpenAPI 3.2 constructs (W018x) ------------------------------------------------------------
W_ADDITIONAL_OPERATION_FIXED = "W0180"
W_TAG_PARENT_UNKNOWN = "W0181"
W_TAG_PARENT_CYCLE = "W0182"
W_QUERYSTRING_WITH_QUERY = "W0183"
W_QUERYSTRING_MEDIA = "W0184"

# -- validate (E02xx / W02xx) ------------------------------------------------------------------
E_DUPLICATE_OPERATION_ID = "E0201"
E_PATH_PARAM_UNDECLARED = "E0202"
E_PATH_PARAM_NOT_IN_TEMPLATE = "E0203"
W_PATH_PARAM_NOT_REQUIRED = "W0204"
E_DUPLICATE_PARAMETER = "E0205"
E_STRUCTURE = "E0206"
W_SCHEMA_VIOLATION = "W0207"
W_UNEXPECTED_FIELD = "W0208"
W_MISSING_FIELD = "W0209"
W_REF_NOT_ALLOWED_HERE = "W0210"
W_INVALID_SCHEMA = "W0211"
W_DEFAULT_MISMATCH = "W0212"
W_REQUIRED_UNDEFINED = "W0213"
W_DUPLICATE_TAG = "W0214"
W_VALIDATION_SKIPPED = "W0215"

# -- recovery (W026x-W028x, W032x): see RECOVERY_CODES --------------------------------------
W_DUPLICATE_OPERATION_ID = "W0260"
W_REF_IN_OPAQUE_DATA = "W0261"
W_PATH_TEMPLATE_QUERY = "W0262"
W_VALUE_COERCED = "W0263"
W_VALUE_DROPPED = "W0264"
W_ENUM_NOT_LITERAL = "W0265"
W_PATH_VAR_UNDECLARED = "W0252"
W_PATH_PARAM_UNUSED = "W0253"
W_DANGLING_REF = "W0320"
W_REF_FILE_MISSING = "W0321"
N_BOUND_NAME = "N0557"

# -- $ref (E03xx) ------------------------------------------------------------------------------
E_DANGLING_REF = "E0301"
E_REF_FILE_MISSING = "E0302"
E_REMOTE_REF_REFUSED = "E0303"
E_REF_OUTSIDE_ROOT = "E0304"
E_REMOTE_FETCH_FAILED = "E0305"
E_BAD_REF = "E0306"
E_REF_CYCLE = "E0307"

RECOVERY_CODES = frozenset(
    {
        W_DUPLICATE_OPERATION_ID,
        W_REF_IN_OPAQUE_DATA,
        W_PATH_TEMPLATE_QUERY,
        W_PATH_VAR_UNDECLARED,
        W_PATH_PARAM_UNUSED,
        W_VALUE_COERCED,
        W_VALUE_DROPPED,
        W_ENUM_NOT_LITERAL,
        W_DANGLING_REF,
        W_REF_FILE_MISSING,
    }
)
"""Warnings that report a spec defect worked around by a documented choice (docs/recovery.md);
``--strict`` makes each an error (:attr:`generator.diagnostics.DiagnosticSink.strict`)."""

CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        E_FILE_NOT_FOUND: "the spec file (or a file named by a $ref) does not exist",
        E_NOT_A_FILE: "the path names a directory or other non-regular file",
        E_EMPTY_FILE: "the file is empty (or holds only whitespace/comments)",
        E_ENCODING: "the file is not UTF-8 text (binary data or another encoding)",
        E_YAML_SYNTAX: "YAML syntax error (also: several documents in one stream)",
        E_JSON_SYNTAX: "JSON syntax error",
        E_DUPLICATE_KEY: "a mapping has the same key twice (the last one wins)",
        E_TOP_LEVEL_NOT_MAPPING: "the root document is not a mapping (object)",
        E_FILE_TOO_LARGE: "the file is larger than the size limit (max_bytes)",
        E_ALIAS_BOMB: "YAML aliases expand past the node budget, or an alias is recursive",
        E_SCALAR_TOO_LONG: "one string is longer than the scalar limit (1 MiB)",
        E_TOO_DEEP: "containers nest deeper than the depth limit (500)",
        E_YAML_TAG: "a YAML tag that is not a plain data type (e.g. !!python/object)",
        E_NON_SCALAR_KEY: "a YAML mapping key that is itself a mapping or sequence",
        E_READ_FAILED: "the file could not be read (permissions, I/O error)",
        E_MISSING_OPENAPI: "the root document has no `openapi` version field",
        E_SWAGGER_2: 'a `swagger` version other than "2.0" (or `openapi: 2.x`)',
        E_UNSUPPORTED_VERSION: "an `openapi` version other than 3.0.x / 3.1.x / 3.2.x",
        W_VERSION_TREATED_AS: "a version read as another (no patch number: read as x.y.0)",
        E_VERSION_NOT_STRING: "the `openapi` field is not a string (e.g. unquoted 3.1)",
        W_ADDITIONAL_OPERATION_FIXED: "an additionalOperations key repeats a fixed method field",
        W_TAG_PARENT_UNKNOWN: "a tag's `parent` names no declared tag (the tag is top-level)",
        W_TAG_PARENT_CYCLE: "tags whose `parent` chain loops (the loop is cut)",
        W_QUERYSTRING_WITH_QUERY: "an `in: querystring` parameter beside `in: query` ones",
        W_QUERYSTRING_MEDIA: "an `in: querystring` media type sent as its text serialisation",
        E_DUPLICATE_OPERATION_ID: "two operations share an operationId (no longer emitted: W0260)",
        E_PATH_PARAM_UNDECLARED: "a {name} in the path has no `in: path` parameter (now W0252)",
        E_PATH_PARAM_NOT_IN_TEMPLATE: "an `in: path` parameter is not in the path (now W0253)",
        W_PATH_PARAM_NOT_REQUIRED: "a path parameter is not `required: true` (treated as required)",
        E_DUPLICATE_PARAMETER: "one parameters list has the same (name, in) twice",
        E_STRUCTURE: "a path/operation/parameter/body/response has a shape generation needs",
        W_SCHEMA_VIOLATION: "the OpenAPI schema rejects a value the generator does not rely on",
        W_UNEXPECTED_FIELD: "a field the OpenAPI schema does not allow here (ignored)",
        W_MISSING_FIELD: "a required field is missing where a default is sound (e.g. description)",
        W_REF_NOT_ALLOWED_HERE: "a $ref where OpenAPI allows no Reference Object (followed anyway)",
        W_INVALID_SCHEMA: "a Schema Object breaks its JSON Schema meta-schema",
        W_DEFAULT_MISMATCH: "a `default` value does not match its own schema",
        W_REQUIRED_UNDEFINED: "`required` names a property that no branch defines",
        W_DUPLICATE_TAG: "two tags share a name",
        W_VALIDATION_SKIPPED: "part of the validation could not run (e.g. unknown $schema dialect)",
        W_DUPLICATE_OPERATION_ID: "a later operation reuses an operationId: renamed from method+path",
        W_REF_IN_OPAQUE_DATA: "a $ref inside an x- extension (opaque data): not followed",
        W_PATH_TEMPLATE_QUERY: "a path template carries a query string or fragment: split off",
        W_VALUE_COERCED: "a default/enum/const/example of another JSON type: coerced losslessly",
        W_VALUE_DROPPED: "a default/enum/const/example that does not fit its schema: dropped",
        W_ENUM_NOT_LITERAL: "enum/const values Literal[...] cannot hold: an Enum or the plain type",
        W_DANGLING_REF: "a $ref whose target does not exist: typed as Any / part left out",
        W_REF_FILE_MISSING: "a $ref to a file that does not exist: typed as Any / part left out",
        N_BOUND_NAME: "a spec-derived name renamed: the generated module binds that name",
        E_DANGLING_REF: "a $ref whose target does not exist",
        E_REF_FILE_MISSING: "a $ref names a file that does not exist or could not be loaded",
        E_REMOTE_REF_REFUSED: "a $ref to http(s):// refused (use --allow-remote-refs)",
        E_REF_OUTSIDE_ROOT: "a $ref to a file outside the root document's folder refused",
        E_REMOTE_FETCH_FAILED: "a remote $ref document could not be fetched",
        E_BAD_REF: "a malformed $ref (not a string, or a non-pointer fragment)",
        E_REF_CYCLE: "a $ref chain that loops back without reaching a value (not for schemas)",
        # -- later stages (build, config, templates, output); emitted outside load/validate --
        "W0160": "Swagger 2.0: a collectionFormat that cannot be sent as written (csv is used)",
        "W0161": "Swagger 2.0: a parameter `in` other than path/query/header/body/formData",
        "W0162": "Swagger 2.0: `in: body` and `in: formData` in one operation (fields ignored)",
        "W0163": "Swagger 2.0: a security definition of unknown type or oauth2 flow",
        "W0165": "Swagger 2.0: the Swagger 2.0 schema rejects a value",
        "W0166": "Swagger 2.0: a field the Swagger 2.0 schema does not allow here (ignored)",
        "W0167": "Swagger 2.0: a required field is missing",
        "W0140": "info.version is not PEP 440; the package gets a derived version",
        "W0251": "a parameter without a valid name/in is ignored",
        W_PATH_VAR_UNDECLARED: "a {name} in the path template has no parameter: a required str",
        W_PATH_PARAM_UNUSED: "a path parameter that is not in the template is ignored",
        "W0254": "a responses key that is not a status code is ignored",
        "W0256": "include_tags/exclude_tags names a tag no operation has",
        "W0311": "a schema $ref that cannot be resolved (now reported as W0320 / W0321)",
        "W0402": "a schema that is not an object: typed as Any",
        "W0403": "an unknown schema type: typed as Any",
        "E0404": "schemas nest deeper than the build limit",
        "W0404": "an allOf member that is not an object schema: its constraints are not represented",
        "W0405": "an enum with non-scalar values: typed as Any",
        "W0406": "a discriminator mapping entry that does not resolve",
        "W0407": "variants share a discriminator value: chosen by shape",
        "W0410": "a schema that refers to itself with no object in between: typed as Any",
        "N0551": "a model field renamed to avoid a clash",
        "N0552": "a model class renamed (its name was taken)",
        "N0553": "an enum member renamed (sanitised names collide)",
        "N0554": "an operation function renamed (its name was taken in its module)",
        "N0555": "a parameter renamed (name clash after conversion)",
        "N0556": "component schemas no operation or webhook uses were not generated (models: all)",
        "N0561": "a FastAPI operationId shortened to its function name (naming.operation_ids)",
        "N0562": "a FastAPI operationId kept whole: the short name is not unique in its module",
        "W0601": "a pagination override does not match the operation",
        "W0602": "a pagination override names fields the success body does not have",
        "W0603": "an operation looks paginated but no iterate() could be wired (the reason says why)",
        "N0605": "an operation takes a page parameter but its success body holds no list",
        "W0604": "a pagination vendor extension cannot be used; pagination is inferred instead",
        "E0501": "config file not found",
        "E0502": "config file cannot be read",
        "E0503": "config file is not valid YAML",
        "E0504": "config has an unknown key",
        "E0505": "config value has the wrong type or value",
        "E0506": "config has the same key twice",
        "E0507": "config values contradict each other",
        "E0508": "config templates directory does not exist",
        "W0509": "config include_tags and exclude_tags overlap",
        "E0510": "both codegen.yaml and [tool.portarium-codegen] in pyproject.toml configure",
        "E0511": "pyproject.toml is not valid TOML",
        "E0512": "tool.portarium-codegen in pyproject.toml is not a table",
        "E0701": "template syntax error",
        "E0702": "template uses an undefined value",
        "E0703": "template not found",
        "E0704": "template code raised an error",
        "E0705": "template extends or includes itself",
        "E0706": "template override directory not found",
        "E0801": "the output location cannot be used (a file, not writable, outside the root)",
        "E0802": "the configured formatter (ruff) is not installed",
        "E0901": "diff: a side is neither an existing spec file nor a package directory",
        "E0902": "diff: a package directory without a recorded API surface",
        "E0903": "diff: a spec side that does not generate (its errors are listed)",
        "E0904": "diff: --fail-on is not breaking, behaviour or never",
        "E0905": "build --bump: no previous package to compare with",
        "E0906": "build --bump: --since is neither a package directory nor a version",
    }
)
