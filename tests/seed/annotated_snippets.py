"""The guide's Usage, Authentication and Pagination snippets with type annotations (mypy --strict).

Kept in step with ``../shared/seed/python-client-generation.md`` by
``tests/test_seed_snippets.py::test_annotated_copy_matches_the_guide``.
"""

from __future__ import annotations

import asyncio

from portarium_client import AuthenticatedClient
from portarium_client.api.runs import get_run, list_runs, start_run
from portarium_client.models import Run, RunList, StartRunRequest


def get_fresh_token() -> str:
    return "test-token"


# Usage
client: AuthenticatedClient = AuthenticatedClient(
    base_url="https://portarium.example.com",
    token="eyJhbGciOiJSUzI1NiIs...",
)

request: StartRunRequest = StartRunRequest(
    workflow_id="wf-invoice-approval",
    input={"invoice_id": "inv-123", "amount": 5000},
)
run: Run = start_run.sync(client=client, workspace_id="ws-acme", body=request)
print(f"Run started: {run.id}, status: {run.status}")


async def main() -> None:
    run: Run = await start_run.asyncio(client=client, workspace_id="ws-acme", body=request)
    print(f"Run started: {run.id}")


asyncio.run(main())

# Authentication
client = AuthenticatedClient(
    base_url="https://portarium.example.com",
    token=get_fresh_token(),
    headers={"X-Workspace-Id": "ws-acme"},
)

# Pagination
response: RunList = list_runs.sync(client=client, workspace_id="ws-acme", limit=20)
for run in response.items:
    print(run.id, run.status)

# Fetch next page
if response.cursor:
    next_page: RunList = list_runs.sync(
        client=client, workspace_id="ws-acme", limit=20, cursor=response.cursor
    )

_ = get_run
