"""Swagger 2.0 input: a 2.0 document read into the OpenAPI 3.0 form the later stages consume.

The loader calls :func:`translate` on a root document whose ``swagger`` field is ``"2.0"``. The
result is a new, plain 3.0 document (the original is kept for validation) plus a
:class:`PointerMap` from every translated JSON pointer back to the 2.0 node it came from, which the
source map applies to every diagnostic: a finding about
``#/paths/~1pets/post/requestBody/content/application~1json/schema`` is reported at
``#/paths/~1pets/post/parameters/0/schema``, on the line and column of that node in the 2.0 file.

What is read, and into what:

==============================  =================================================================
2.0                             3.0
==============================  =================================================================
``definitions``                 ``components/schemas`` (``x-nullable`` -> ``nullable``, a string
                                ``discriminator`` -> ``{propertyName}``, ``type: file`` -> binary)
``parameters`` (global)         ``components/parameters``; ``in: body`` / ``in: formData`` ones
                                are inlined into each operation's request body where referenced
``responses`` (global)          ``components/responses``
``securityDefinitions``         ``components/securitySchemes`` (basic -> http basic; apiKey;
                                oauth2 implicit / password / application / accessCode -> flows)
``host`` ``basePath``           ``servers`` (one URL per scheme, https first; no host: relative)
``schemes``
``in: body``                    ``requestBody`` with one media type per ``consumes`` entry
``in: formData``                ``requestBody`` object schema: ``multipart/form-data`` when a
                                field is ``type: file`` (or only multipart is consumed), else
                                ``application/x-www-form-urlencoded``
``collectionFormat``            ``style``/``explode``: csv -> form/simple, ssv ->
                                spaceDelimited, pipes -> pipeDelimited, tsv -> tabDelimited (the
                                runtime knows it), multi -> form + explode
response ``schema``/``headers``  ``content`` per ``produces`` entry / header ``schema``
``$ref`` ``#/definitions/..``   ``#/components/schemas/..`` (likewise parameters, responses; any
                                other internal pointer is moved along with the node it names)
==============================  =================================================================

Parameter keywords (``type``, ``format``, ``items``, ``enum``, ``default``, bounds, ...) move into
the parameter's ``schema``; ``allowEmptyValue`` and ``x-`` extensions stay on it. Problems the
translation works around are warnings ``W016x`` at the 2.0 node (:data:`Report`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

from generator.diagnostics import escape_pointer_token, split_pointer
from generator.operations import media_kind

__all__ = ["PointerMap", "Report", "translate"]

#: ``report(code, message, pointer into the 2.0 document)``: a warning about the 2.0 input.
Report = Callable[[str, str, str], None]

W_COLLECTION_FORMAT = "W0160"
W_PARAMETER_IN = "W0161"
W_BODY_AND_FORM = "W0162"
W_SECURITY_SCHEME = "W0163"

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")

#: Parameter (and header, items) keywords that describe the value: they move into ``schema``.
_SCHEMA_KEYWORDS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
)
#: Keywords whose values are schemas (or maps / lists of schemas) inside a Schema Object.
_SCHEMA_MAPS = ("properties", "patternProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_VALUES = ("additionalProperties", "not", "items")
_QUERY_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "tsv": ("tabDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


def _join(pointer: str, *tokens: object) -> str:
    for token in tokens:
        pointer = f"{pointer}/{escape_pointer_token(str(token))}"
    return pointer


class PointerMap:
    """Translated pointer <-> 2.0 pointer.

    Only the nodes the translation creates or moves are recorded; a pointer below one of them
    maps through its nearest recorded ancestor (schemas keep their shape, so
    ``#/components/schemas/Pet/properties/id`` is ``#/definitions/Pet/properties/id``).
    """

    def __init__(self) -> None:
        self.back: dict[str, str] = {"#": "#"}
        self.forward: dict[str, str] = {"#": "#"}

    def add(self, translated: str, original: str) -> None:
        self.back[translated] = original
        self.forward.setdefault(original, translated)

    @staticmethod
    def _through(table: dict[str, str], pointer: str) -> str | None:
        probe = pointer
        while True:
            found = table.get(probe)
            if found is not None:
                return found + pointer[len(probe) :]
            cut = probe.rfind("/")
            if cut < 0:
                return None
            probe = probe[:cut]

    def original(self, pointer: str) -> str:
        """The 2.0 pointer a translated pointer stands for."""
        return self._through(self.back, pointer) or pointer

    def translated(self, pointer: str) -> str:
        """Where a 2.0 pointer's node is in the translated document."""
        return self._through(self.forward, pointer) or pointer


def _mime_list(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [str(v) for v in value if isinstance(v, str) and v.strip()]


class _Translator:
    def __init__(self, doc: dict[str, Any], report: Report) -> None:
        self.doc = doc
        self.report = report
        self.map = PointerMap()
        #: Objects whose ``$ref`` still holds the 2.0 pointer (rewritten once the map is complete).
        self.refs: list[dict[str, Any]] = []
        self.consumes = _mime_list(doc.get("consumes")) or []
        self.produces = _mime_list(doc.get("produces")) or []
        globals_ = doc.get("parameters")
        self.global_params: dict[str, Any] = globals_ if isinstance(globals_, dict) else {}

    # -- the document -----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        doc = self.doc
        out: dict[str, Any] = {"openapi": "3.0.3"}
        self.map.add("#/openapi", "#/swagger")
        for key in ("info", "tags", "externalDocs", "security"):
            if key in doc:
                out[key] = doc[key]
        servers = self.servers()
        if servers:
            out["servers"] = servers
        components: dict[str, Any] = {}
        self.map.add("#/components", "#")
        definitions = doc.get("definitions")
        if isinstance(definitions, dict):
            self.map.add("#/components/schemas", "#/definitions")
            components["schemas"] = {
                name: self.schema(value, f"#/components/schemas/{escape_pointer_token(name)}")
                for name, value in definitions.items()
            }
            for name in definitions:
                token = escape_pointer_token(name)
                self.map.add(f"#/components/schemas/{token}", f"#/definitions/{token}")
        params: dict[str, Any] = {}
        for name, value in self.global_params.items():
            origin = _join("#/parameters", name)
            if isinstance(value, dict) and value.get("in") in ("body", "formData"):
                continue  # inlined into each operation that names it
            target = _join("#/components/parameters", name)
            self.map.add(target, origin)
            params[name] = self.parameter(value, target, origin)
        if params:
            self.map.add("#/components/parameters", "#/parameters")
            components["parameters"] = params
        responses = doc.get("responses")
        if isinstance(responses, dict):
            self.map.add("#/components/responses", "#/responses")
            components["responses"] = {
                name: self.response(
                    value,
                    _join("#/components/responses", name),
                    _join("#/responses", name),
                    self.produces,
                )
                for name, value in responses.items()
            }
        schemes = self.security_schemes()
        if schemes:
            components["securitySchemes"] = schemes
        paths = doc.get("paths")
        out["paths"] = {}
        self.map.add("#/paths", "#/paths")
        if isinstance(paths, dict):
            for path, item in paths.items():
                if str(path).startswith("x-"):
                    out["paths"][path] = item
                    continue
                out["paths"][path] = self.path_item(str(path), item)
        if components:
            out["components"] = components
        for key, value in doc.items():
            if isinstance(key, str) and key.startswith("x-"):
                out[key] = value
        self.rewrite_refs()
        return out

    def servers(self) -> list[dict[str, Any]]:
        doc = self.doc
        host = doc.get("host")
        base = doc.get("basePath")
        base_path = base if isinstance(base, str) and base.startswith("/") else ""
        if base_path == "/":
            base_path = ""
        if not isinstance(host, str) or not host.strip():
            self.map.add("#/servers", "#/basePath" if base_path else "#")
            return [{"url": base_path or "/"}]
        raw = doc.get("schemes")
        # ws/wss name WebSocket endpoints, not where this client sends requests.
        schemes = [s for s in raw if s in ("http", "https")] if isinstance(raw, list) else []
        # The scheme the spec was served over is unknown here: https first when offered.
        schemes.sort(key=lambda s: s != "https")
        self.map.add("#/servers", "#/host")
        return [
            {"url": f"{scheme}://{host.strip().rstrip('/')}{base_path}"}
            for scheme in (schemes or ["https"])
        ]

    def security_schemes(self) -> dict[str, Any]:
        raw = self.doc.get("securityDefinitions")
        if not isinstance(raw, dict):
            return {}
        self.map.add("#/components/securitySchemes", "#/securityDefinitions")
        out: dict[str, Any] = {}
        for name, scheme in raw.items():
            origin = _join("#/securityDefinitions", name)
            if not isinstance(scheme, dict):
                continue
            kind = scheme.get("type")
            converted: dict[str, Any] = {
                k: v for k, v in scheme.items() if k == "description" or str(k).startswith("x-")
            }
            if kind == "basic":
                converted.update(type="http", scheme="basic")
            elif kind == "apiKey":
                converted.update(
                    type="apiKey", name=scheme.get("name", ""), **{"in": scheme.get("in", "header")}
                )
            elif kind == "oauth2":
                flow = str(scheme.get("flow", ""))
                if flow not in _FLOWS:
                    self.report(
                        W_SECURITY_SCHEME,
                        f"oauth2 scheme {name!r} has an unknown flow {flow!r}; read as implicit",
                        _join(origin, "flow"),
                    )
                    flow = "implicit"
                flow_name, urls = _FLOWS[flow]
                scopes = scheme.get("scopes")
                body: dict[str, Any] = {k: scheme.get(k, "") for k in urls}
                body["scopes"] = scopes if isinstance(scopes, dict) else {}
                converted.update(type="oauth2", flows={flow_name: body})
            else:
                self.report(
                    W_SECURITY_SCHEME,
                    f"security scheme {name!r} has an unknown type {kind!r}",
                    _join(origin, "type"),
                )
                converted["type"] = str(kind)
            out[name] = converted
            self.map.add(_join("#/components/securitySchemes", name), origin)
        return out

    # -- paths and operations ---------------------------------------------------------------
    def path_item(self, path: str, item: Any) -> Any:
        origin = _join("#/paths", path)
        self.map.add(origin, origin)
        if not isinstance(item, dict):
            return item
        if isinstance(item.get("$ref"), str):
            out_ref = dict(item)
            self.refs.append(out_ref)
            return out_ref
        out: dict[str, Any] = {}
        shared, shared_body = self.parameters(item.get("parameters"), origin)
        if shared:
            out["parameters"] = shared
        for key, value in item.items():
            if key in METHODS and isinstance(value, dict):
                out[key] = self.operation(value, _join(origin, key), shared_body)
            elif isinstance(key, str) and key.startswith("x-"):
                out[key] = value
        return out

    def operation(
        self, op: dict[str, Any], origin: str, shared_body: list[tuple[dict[str, Any], str]]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in (
            "tags",
            "summary",
            "description",
            "externalDocs",
            "operationId",
            "deprecated",
            "security",
        ):
            if key in op:
                out[key] = op[key]
        params, body = self.parameters(op.get("parameters"), origin)
        own = {(p.get("name"), p.get("in")) for p, _ in body}
        body = [
            entry for entry in shared_body if (entry[0].get("name"), entry[0].get("in")) not in own
        ] + body
        if params:
            out["parameters"] = params
        consumes = _mime_list(op.get("consumes"))
        produces = _mime_list(op.get("produces"))
        if body:
            out["requestBody"] = self.request_body(
                body, origin, self.consumes if consumes is None else consumes
            )
        responses = op.get("responses")
        if isinstance(responses, dict):
            out["responses"] = {
                str(status): self.response(
                    value,
                    _join(origin, "responses", status),
                    _join(origin, "responses", status),
                    self.produces if produces is None else produces,
                )
                for status, value in responses.items()
            }
        elif responses is not None:
            out["responses"] = responses
        for key, value in op.items():
            if isinstance(key, str) and key.startswith("x-"):
                out[key] = value
        return out

    def parameters(
        self, raw: Any, owner: str
    ) -> tuple[list[Any], list[tuple[dict[str, Any], str]]]:
        """A parameters list of ``owner`` (a path item or an operation) -> (its 3.0 parameters,
        its body/formData parameters with their 2.0 pointers)."""
        if not isinstance(raw, list):
            return [], []
        out: list[Any] = []
        body: list[tuple[dict[str, Any], str]] = []
        for index, entry in enumerate(raw):
            origin = _join(owner, "parameters", index)
            node, node_origin = entry, origin
            if isinstance(entry, dict) and isinstance(entry.get("$ref"), str):
                ref = entry["$ref"]
                name = ref[len("#/parameters/") :] if ref.startswith("#/parameters/") else None
                name = name.replace("~1", "/").replace("~0", "~") if name is not None else None
                target = self.global_params.get(name) if name is not None else None
                if isinstance(target, dict) and target.get("in") in ("body", "formData"):
                    node, node_origin = target, _join("#/parameters", name)
                else:
                    moved = dict(entry)
                    self.refs.append(moved)
                    self.map.add(_join(owner, "parameters", len(out)), origin)
                    out.append(moved)
                    continue
            if not isinstance(node, dict):
                self.map.add(_join(owner, "parameters", len(out)), origin)
                out.append(node)
                continue
            where = node.get("in")
            if where in ("body", "formData"):
                body.append((node, node_origin))
                continue
            target = _join(owner, "parameters", len(out))
            self.map.add(target, origin)
            out.append(self.parameter(node, target, origin))
        return out, body

    def parameter(self, node: Any, target: str, origin: str) -> Any:
        """One non-body parameter: its value keywords move into ``schema``."""
        if not isinstance(node, dict):
            return node
        where = node.get("in")
        out: dict[str, Any] = {}
        for key in ("name", "in", "description", "required", "allowEmptyValue"):
            if key in node:
                out[key] = node[key]
        for key, value in node.items():
            if isinstance(key, str) and key.startswith("x-") and key != "x-nullable":
                out[key] = value
        if where not in ("path", "query", "header"):
            self.report(
                W_PARAMETER_IN,
                f"parameter location {where!r} is not one of path, query, header, body, "
                "formData (read as OpenAPI 3 reads it)",
                _join(origin, "in"),
            )
        if where == "path":
            out["required"] = True
        out["schema"] = self.value_schema(node, _join(target, "schema"), origin)
        if node.get("type") == "array":
            fmt = str(node.get("collectionFormat", "csv"))
            if where == "query":
                style = _QUERY_STYLES.get(fmt)
                if style is None:
                    self.report(
                        W_COLLECTION_FORMAT,
                        f"unknown collectionFormat {fmt!r}; csv is used",
                        _join(origin, "collectionFormat"),
                    )
                    style = _QUERY_STYLES["csv"]
                out["style"], out["explode"] = style
            elif where in ("path", "header"):
                if fmt != "csv":
                    self.report(
                        W_COLLECTION_FORMAT,
                        f"collectionFormat {fmt!r} cannot be sent in a {where} parameter by "
                        "OpenAPI 3 rules; values are comma-separated (csv)",
                        _join(origin, "collectionFormat"),
                    )
                out["style"], out["explode"] = "simple", False
        return out

    def value_schema(self, node: dict[str, Any], target: str, origin: str) -> dict[str, Any]:
        """The schema of a parameter, header or ``items`` object (2.0 keeps it inline)."""
        self.map.add(target, origin)
        schema: dict[str, Any] = {}
        for key in _SCHEMA_KEYWORDS:
            if key not in node:
                continue
            value = node[key]
            if key == "items" and isinstance(value, dict):
                value = self.value_schema(value, _join(target, "items"), _join(origin, "items"))
            schema[key] = value
        if schema.get("type") == "file":
            schema["type"], schema["format"] = "string", "binary"
        if node.get("x-nullable") is True:
            schema["nullable"] = True
        return schema

    def request_body(
        self, params: list[tuple[dict[str, Any], str]], owner: str, consumes: list[str]
    ) -> dict[str, Any]:
        target = _join(owner, "requestBody")
        bodies = [(p, o) for p, o in params if p.get("in") == "body"]
        fields = [(p, o) for p, o in params if p.get("in") == "formData"]
        if bodies:
            node, origin = bodies[-1]
            if fields:
                self.report(
                    W_BODY_AND_FORM,
                    "an operation with an `in: body` parameter cannot also have `in: formData` "
                    "ones; the form fields are ignored",
                    fields[0][1],
                )
            self.map.add(target, origin)
            types = [ct for ct in consumes if ct not in (_FORM, _MULTIPART)] or ["application/json"]
            content: dict[str, Any] = {}
            schema = node.get("schema")
            for ct in types:
                where = _join(target, "content", ct)
                self.map.add(where, origin)
                self.map.add(_join(where, "schema"), _join(origin, "schema"))
                content[ct] = {"schema": self.schema(schema, _join(where, "schema"))}
            out: dict[str, Any] = {"content": content, "required": bool(node.get("required"))}
            if isinstance(node.get("description"), str):
                out["description"] = node["description"]
            name = node.get("name")
            if isinstance(name, str):
                out["x-codegen-request-body-name"] = name
            return out
        self.map.add(target, fields[0][1])
        has_file = any(p.get("type") == "file" for p, _ in fields)
        only_multipart = _MULTIPART in consumes and _FORM not in consumes
        ct = _MULTIPART if has_file or only_multipart else _FORM
        where = _join(target, "content", ct, "schema")
        self.map.add(_join(target, "content", ct), fields[0][1])
        self.map.add(where, fields[0][1])
        properties: dict[str, Any] = {}
        required: list[str] = []
        for node, origin in fields:
            name = str(node.get("name", ""))
            prop = self.value_schema(node, _join(where, "properties", name), origin)
            if isinstance(node.get("description"), str):
                prop["description"] = node["description"]
            properties[name] = prop
            if node.get("required") is True:
                required.append(name)
        form: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            form["required"] = required
        return {"content": {ct: {"schema": form}}, "required": bool(required)}

    def response(self, node: Any, target: str, origin: str, produces: list[str]) -> Any:
        self.map.add(target, origin)
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            moved = dict(node)
            self.refs.append(moved)
            return moved
        out: dict[str, Any] = {"description": node.get("description") or ""}
        headers = node.get("headers")
        if isinstance(headers, dict):
            out["headers"] = {}
            for name, header in headers.items():
                h_target, h_origin = _join(target, "headers", name), _join(origin, "headers", name)
                self.map.add(h_target, h_origin)
                if not isinstance(header, dict):
                    out["headers"][name] = header
                    continue
                converted: dict[str, Any] = {
                    "schema": self.value_schema(header, _join(h_target, "schema"), h_origin)
                }
                if isinstance(header.get("description"), str):
                    converted["description"] = header["description"]
                out["headers"][name] = converted
        schema = node.get("schema")
        if schema is not None:
            is_file = isinstance(schema, dict) and schema.get("type") == "file"
            if is_file:
                types = [ct for ct in produces if media_kind(ct) != "json"] or [
                    "application/octet-stream"
                ]
            else:
                types = produces or ["application/json"]
            examples = node.get("examples")
            content: dict[str, Any] = {}
            for ct in types:
                where = _join(target, "content", ct)
                self.map.add(where, origin)
                self.map.add(_join(where, "schema"), _join(origin, "schema"))
                media: dict[str, Any] = {
                    "schema": (
                        {"type": "string", "format": "binary"}
                        if is_file
                        else self.schema(schema, _join(where, "schema"))
                    )
                }
                if isinstance(examples, dict) and ct in examples:
                    media["example"] = examples[ct]
                content[ct] = media
            out["content"] = content
        for key, value in node.items():
            if isinstance(key, str) and key.startswith("x-"):
                out[key] = value
        return out

    # -- schemas ----------------------------------------------------------------------------
    def schema(self, node: Any, pointer: str) -> Any:
        """A 2.0 Schema Object in 3.0 form (a new object; literal values are shared)."""
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "x-nullable":
                if value is True:
                    out["nullable"] = True
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {
                    name: self.schema(sub, _join(pointer, key, name)) for name, sub in value.items()
                }
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.schema(sub, _join(pointer, key, i)) for i, sub in enumerate(value)]
            elif key in _SCHEMA_VALUES and isinstance(value, (dict, list)):
                if isinstance(value, list):
                    out[key] = [
                        self.schema(sub, _join(pointer, key, i)) for i, sub in enumerate(value)
                    ]
                else:
                    out[key] = self.schema(value, _join(pointer, key))
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
            else:
                out[key] = value
        if out.get("type") == "file":
            out["type"], out["format"] = "string", "binary"
        if isinstance(out.get("$ref"), str):
            self.refs.append(out)
        return out

    def rewrite_refs(self) -> None:
        """Point every internal ``$ref`` at where its target now is.

        A ``$ref`` whose target is not in the 2.0 document stays as written: it dangles in the
        translated document too, and is reported in the words of the 2.0 file.
        """
        for holder in self.refs:
            ref = holder["$ref"]
            if isinstance(ref, str) and ref.startswith("#") and self.exists(ref):
                holder["$ref"] = self.map.translated(ref)

    def exists(self, ref: str) -> bool:
        node: Any = self.doc
        for token in split_pointer(urllib.parse.unquote(ref)):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return False
        return True


def translate(doc: dict[str, Any], report: Report) -> tuple[dict[str, Any], PointerMap]:
    """The 3.0 form of the Swagger 2.0 document ``doc`` and the map back to its pointers."""
    translator = _Translator(doc, report)
    out = translator.run()
    return out, translator.map
