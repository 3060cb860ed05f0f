"""The hand-written runtime every generated client carries, copied verbatim as ``<pkg>/_runtime``.

Generated modules only declare data (an :class:`~.endpoint.Endpoint`, the
:class:`~.endpoint.RequestParts` of one call, a :class:`~.responses.ResponseSpec`) and call
:class:`~.base_client.BaseClient`; everything that moves bytes lives here, one job per module:

=================  ==========================================================================
endpoint.py        what an operation is (method, path template, security) and one call's parts
params.py          OpenAPI parameter styles -> strings (path, query, header)
serde.py           hot-path value codecs for generated models (date-time, uuid, base64, expect_*)
strict.py          the strict-mode flag and the unknown-enum / variant / field hooks
responses.py       status -> decoder tables, decoders, error-body parsing
retries.py         which calls may be retried, backoff, ``Retry-After``, the patchable sleeps
httpx_errors.py    the table translating httpx exceptions into this package's errors
auth.py            bearer / token providers / client credentials, api keys, HTTP basic
observe.py         redaction of secrets and the debug log lines
sse.py             the incremental Server-Sent Events parser
streams.py         streamed bodies: SSE with reconnect, NDJSON lines, raw bytes
pagination.py      cursor pagination loops
base_client.py     the client: configuration, the send loop (auth, retries, hooks), decoding
modeling.py        open enums and union dispatch for generated models
wire.py            body encoders and buffered stream decoders for generated operations
=================  ==========================================================================

This ``__init__`` imports nothing, so ``<pkg>/errors.py`` can import ``retries`` without a cycle.
"""
