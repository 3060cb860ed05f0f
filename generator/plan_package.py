"""The package-level views: ``client.py`` (constructor and auth wiring from the security
schemes), ``webhooks.py`` and the README's examples.

Split out of :mod:`generator.plan` (the planner calls these for the files it lists).
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.ir import AnyModel, Api, Operation, Prim, TypeRef
from generator.plan_operations import block
from generator.pycode import ModuleCode, comment, docstring, py_literal


def client_view(
    api: Api, timeout: float, connect_timeout: float, max_retries: int
) -> dict[str, object]:
    """Constructor parameters and auth wiring of ``client.py``, decided from securitySchemes."""
    url = api.server_url
    has_default = url.startswith(("http://", "https://")) and "{" not in url
    params: list[str] = []
    body: list[str] = []
    doc: list[str] = []
    imports = {"AuthMethod"}
    bearer_like = [s for s in api.security if s.kind in ("bearer", "openIdConnect")]
    oauth = [s for s in api.security if s.kind == "oauth2"]
    api_keys = [s for s in api.security if s.kind == "apiKey"]
    basic = [s for s in api.security if s.kind == "basic"]
    if bearer_like or oauth:
        imports.update({"BearerToken", "TokenProvider"})
        params += [
            "token: str | None = None",
            "token_provider: TokenProvider | None = None",
            'token_prefix: str = "Bearer"',
        ]
        doc += [
            "``token``: a bearer token sent as ``Authorization: Bearer <token>``;",
            "``token_provider``: a sync or async callable (or ``ClientCredentials``) asked for a",
            "token on every request and once more after a 401.",
        ]
        names = [s.name for s in bearer_like + oauth]
        body += [
            "if token is not None or token_provider is not None:",
            "    bearer = BearerToken(token, token_provider=token_provider, prefix=token_prefix)",
            *[f"    auth[{py_literal(n)}] = bearer" for n in names],
        ]
    cc = [s for s in oauth if s.token_url]
    if cc:
        imports.add("ClientCredentials")
        params += [
            "client_id: str | None = None",
            "client_secret: str | None = None",
            "scopes: Sequence[str] = ()",
        ]
        doc += [
            "``client_id`` / ``client_secret``: service-account credentials exchanged at",
            f"``{docstring(comment(cc[0].token_url))}`` (OAuth2 client credentials); the token is cached and",
            "refreshed shortly before it expires, once for all concurrent calls.",
        ]
        body += [
            "if client_id is not None and client_secret is not None:",
            f"    token_url = str(httpx.URL(base_url).join({py_literal(cc[0].token_url)}))",
            "    exchange = ClientCredentials(client_id, client_secret, token_url, scopes)",
            "    oauth = BearerToken(token_provider=exchange, prefix=token_prefix)",
            *[
                f"    auth.setdefault({py_literal(n)}, oauth)"
                for n in [s.name for s in bearer_like + oauth]
            ],
        ]
    if api_keys:
        imports.add("ApiKey")
        for s in api_keys:
            pname = "api_key" if len(api_keys) == 1 else s.param_name + "_key"
            params.append(f"{pname}: str | None = None")
            doc.append(f"``{pname}``: sent as {s.location} ``{docstring(comment(s.key_name))}``.")
            body += [
                f"if {pname} is not None:",
                f"    auth[{py_literal(s.name)}] = ApiKey({pname}, {py_literal(s.key_name)}, {py_literal(s.location if s.location in ('header', 'query', 'cookie') else 'header')})",
            ]
    if basic:
        imports.add("HttpBasic")
        params += ["username: str | None = None", "password: str | None = None"]
        doc.append("``username`` / ``password``: HTTP basic credentials.")
        body += [
            "if username is not None and password is not None:",
            "    basic = HttpBasic(username, password)",
            *[f"    auth[{py_literal(s.name)}] = basic" for s in basic],
        ]
    if not params:
        doc.append("The API declares no security schemes; this client sends none.")
    timeout_default = "NOT_GIVEN"
    if (timeout, connect_timeout) != (60.0, 5.0):
        timeout_default = f"httpx.Timeout({timeout!r}, connect={connect_timeout!r})"
    return {
        "default_base_url": py_literal(url if has_default else ""),
        "has_default_base_url": has_default,
        # Shown in the client's docstring: escaped like any text from the spec placed there.
        "example_base_url": docstring(
            py_literal(url if has_default else "https://api.example.com")
        ),
        "timeout_default": timeout_default,
        "timeout_doc": f"{timeout:g} s overall, {connect_timeout:g} s to connect",
        "max_retries": max_retries,
        "auth_imports": ", ".join(sorted(imports)),
        "auth_params": params,
        "auth_body": body,
        "auth_doc": doc,
    }


def webhook_views(api: Api, models: Mapping[str, AnyModel]) -> list[dict[str, str]]:
    views: list[dict[str, str]] = []
    code = ModuleCode(models, ".models.", ".", ".")
    for hook in api.webhooks:
        t = hook.type or Prim("any")
        views.append(
            {
                "name": hook.name,
                "literal": py_literal(hook.name),
                "fn": "parse_" + _safe_fn(hook.name),
                "annotation": code.annotation(t),
                "decode": code.decode(t, "payload"),
            }
        )
    code.typing("Any")
    code.runtime("jsonlib", "loads")
    imports = block(
        "from __future__ import annotations",
        *code.import_lines(),
        *code.type_checking_lines(),
    )
    return [
        {
            "imports": "\n".join(code.import_lines() + code.type_checking_lines()),
            "import_block": imports,
        },
        *views,
    ]


def readme_examples(api: Api) -> dict[str, object]:
    ops = list(api.operations)
    plain = next((o for o in ops if o.method == "GET" and not o.pagination and not o.stream), None)
    paged = next((o for o in ops if o.pagination), None)
    streamed = next((o for o in ops if o.stream == "sse"), None)
    idem = next((o for o in ops if o.idempotency_header), None)

    def call(o: Operation | None) -> str:
        if o is None:
            return ""
        args = ["client=client"]
        for p in o.params:
            if p.required and not p.has_default:
                args.append(f"{p.name}={_example_value(p.type)}")
        return ", ".join(args)

    return {
        "plain": plain,
        "plain_args": call(plain),
        "paged": paged,
        "paged_args": call(paged),
        "streamed": streamed,
        "streamed_args": call(streamed),
        "idem": idem,
    }


def _example_value(t: TypeRef) -> str:
    if isinstance(t, Prim) and t.kind == "int":
        return "1"
    if isinstance(t, Prim) and t.kind == "bool":
        return "True"
    return '"..."'


def _safe_fn(name: str) -> str:
    from generator.naming import safe_identifier, snake_case

    return safe_identifier(snake_case(name))
