"""A client generated from the Swagger 2.0 ``api.yaml`` shipped in Jupyter Server drives a live server.

Jupyter Server and ipykernel (versions pinned in ``requirements-jupyter.txt``) run ``jupyter
server`` with a random token over a temp root dir; the spec is
``jupyter_server/services/api/api.yaml`` from the installed package (Swagger 2.0, no operationIds,
so operation modules are named from method and path, e.g. ``get_api_contents_path``); the token
goes in as ``headers={"Authorization": "token ..."}``. Each workflow runs through the ``sync``
functions and then through the ``asyncio`` ones (see ``workflow.py``):

- ``/api/status`` and ``/api/me`` decode into their models;
- contents: directories made with PUT, a notebook and a text file PUT, the directory listed, a
  rename with PATCH, a checkpoint created, listed and restored after an overwrite, then deleted,
  everything deleted and a read after that raising ``NotFoundError``; every path holds ``/``
  (sent as one path parameter), spaces and non-ASCII characters;
- kernelspecs listed (``python3`` from ipykernel);
- a python3 kernel started, read, listed, interrupted, restarted and deleted;
- a session created (which starts its kernel), read, listed and deleted.

Where Jupyter answers differently from its own spec the tests check what the server sends: a
directory's ``content`` is a list and a notebook's an object although ``Contents.content`` is
declared a string; ``mimetype``/``format`` are null although declared strings; a kernelspec's
``spec`` arrives under that name while the spec calls it ``kernel_spec_file``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from live_servers import JupyterServer
from workflow import MODES, Driver, run

pytestmark = pytest.mark.live

NOTEBOOK: dict[str, Any] = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "cells": [
        {
            "cell_type": "markdown",
            "id": "intro",
            "metadata": {},
            "source": "# Grüße aus dem Live-Test ✓",
        },
        {
            "cell_type": "code",
            "id": "answer",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "print(6 * 7)",
        },
    ],
}


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def jupyter(jupyter_server: JupyterServer, jupyter_client: Any) -> JupyterServer:
    """The running server, once the client generated from its api.yaml is importable."""
    return jupyter_server


def drive(jupyter: JupyterServer, mode: str, workflow: Any) -> Driver:
    from jupyter_live_client import Client

    return run(
        mode,
        Client,
        workflow,
        base_url=jupyter.base_url,
        options={"headers": {"Authorization": f"token {jupyter.token}"}},
    )


def test_status_and_me(jupyter: JupyterServer, mode: str) -> None:
    from jupyter_live_client import Client
    from jupyter_live_client.api.identity import get_api_me
    from jupyter_live_client.api.status import get_api_status
    from jupyter_live_client.errors import ForbiddenError
    from jupyter_live_client.models import APIStatus, GetApiMeResponse200, Identity

    async def workflow(d: Driver) -> None:
        status = await d.call(get_api_status)
        assert isinstance(status, APIStatus)
        assert status.started and status.last_activity
        assert isinstance(status.kernels, (int, float)) and status.kernels >= 0

        asked = {"contents": ["read", "write"], "kernels": ["execute"]}
        me = await d.call(get_api_me, permissions=json.dumps(asked))
        assert isinstance(me, GetApiMeResponse200)
        assert isinstance(me.identity, Identity)
        assert me.identity.username and me.identity.display_name
        assert me.permissions is not None
        assert {key: me.permissions[key] for key in asked} == asked  # the token may do all

        # a fresh client: the one above holds Jupyter's login cookie, which a wrong token keeps
        stranger = Driver(
            d.mode, Client(base_url=jupyter.base_url, headers={"Authorization": "token wrong"})
        )
        try:
            with pytest.raises(ForbiddenError) as refused:
                await stranger.call(get_api_status)
            assert refused.value.status_code == 403
        finally:
            await stranger.close()

    drive(jupyter, mode, workflow)


def test_contents_workflow(jupyter: JupyterServer, mode: str) -> None:
    from jupyter_live_client.api.contents import (
        delete_api_contents_path,
        delete_api_contents_path_checkpoints_checkpoint_id,
        get_api_contents_path,
        get_api_contents_path_checkpoints,
        patch_api_contents_path,
        post_api_contents_path_checkpoints,
        post_api_contents_path_checkpoints_checkpoint_id,
        put_api_contents_path,
    )
    from jupyter_live_client.errors import NotFoundError
    from jupyter_live_client.models import (
        Checkpoints,
        Contents,
        ContentsType,
        GetApiContentsPathType,
        PatchApiContentsPathBody,
        PutApiContentsPathBody,
    )

    async def workflow(d: Driver) -> None:
        top = f"live {d.mode} données {uuid.uuid4().hex[:6]}"
        folder = f"{top}/sub dir ✓"
        for path in (top, folder):
            made = await d.detailed(
                put_api_contents_path, path=path, body=PutApiContentsPathBody(type="directory")
            )
            assert made.status_code == 201
            assert isinstance(made.parsed, Contents)
            assert (made.parsed.path, made.parsed.type) == (path, ContentsType.DIRECTORY)

        notebook_path = f"{folder}/Grüße 世界.ipynb"
        saved = await d.call(
            put_api_contents_path,
            path=notebook_path,
            body=PutApiContentsPathBody(
                type="file", format="text", content=json.dumps(NOTEBOOK, ensure_ascii=False)
            ),
        )
        assert (saved.path, saved.name) == (notebook_path, "Grüße 世界.ipynb")
        text_path = f"{folder}/notes #1 & more.txt"
        await d.call(
            put_api_contents_path,
            path=text_path,
            body=PutApiContentsPathBody(type="file", format="text", content="erste Zeile ✓\n"),
        )

        listing = await d.call(get_api_contents_path, path=folder)
        assert isinstance(listing, Contents)
        assert listing.type is ContentsType.DIRECTORY
        assert sorted(entry["path"] for entry in listing.content) == [notebook_path, text_path]

        notebook = await d.call(get_api_contents_path, path=notebook_path)  # typed by extension
        assert notebook.type is ContentsType.NOTEBOOK
        assert [cell["source"] for cell in notebook.content["cells"]] == [
            cell["source"] for cell in NOTEBOOK["cells"]
        ]

        renamed_path = f"{folder}/umbenannt ✓.txt"
        renamed = await d.call(
            patch_api_contents_path,
            path=text_path,
            body=PatchApiContentsPathBody(path=renamed_path),
        )
        assert isinstance(renamed, Contents)
        assert (renamed.path, renamed.name) == (renamed_path, "umbenannt ✓.txt")
        with pytest.raises(NotFoundError):
            await d.call(get_api_contents_path, path=text_path)

        checkpoint = await d.call(post_api_contents_path_checkpoints, path=renamed_path)
        assert isinstance(checkpoint, Checkpoints) and checkpoint.id
        listed = await d.call(get_api_contents_path_checkpoints, path=renamed_path)
        assert [c.id for c in listed] == [checkpoint.id]
        assert all(isinstance(c, Checkpoints) for c in listed)

        await d.call(
            put_api_contents_path,
            path=renamed_path,
            body=PutApiContentsPathBody(type="file", format="text", content="overwritten\n"),
        )
        restored = await d.detailed(
            post_api_contents_path_checkpoints_checkpoint_id,
            path=renamed_path,
            checkpoint_id=checkpoint.id,
        )
        assert restored.status_code == 204
        reread = await d.call(
            get_api_contents_path, path=renamed_path, type=GetApiContentsPathType.FILE
        )
        assert (reread.content, reread.format) == ("erste Zeile ✓\n", "text")

        await d.call(
            delete_api_contents_path_checkpoints_checkpoint_id,
            path=renamed_path,
            checkpoint_id=checkpoint.id,
        )
        assert await d.call(get_api_contents_path_checkpoints, path=renamed_path) == []

        for path in (renamed_path, notebook_path, folder, top):
            deleted = await d.detailed(delete_api_contents_path, path=path)
            assert deleted.status_code == 204
        with pytest.raises(NotFoundError):
            await d.call(get_api_contents_path, path=top)

    drive(jupyter, mode, workflow)


def test_kernelspecs(jupyter: JupyterServer, mode: str) -> None:
    from jupyter_live_client.api.kernelspecs import get_api_kernelspecs
    from jupyter_live_client.models import GetApiKernelspecsResponse200, KernelSpec

    async def workflow(d: Driver) -> None:
        specs = await d.call(get_api_kernelspecs)
        assert isinstance(specs, GetApiKernelspecsResponse200)
        assert specs.default == "python3"
        assert specs.kernelspecs is not None and "python3" in specs.kernelspecs
        python3 = specs.kernelspecs["python3"]
        assert isinstance(python3, KernelSpec)
        assert python3.name == "python3"
        # the server sends the kernel.json under "spec"; api.yaml names it "kernel_spec_file"
        spec = python3.additional_properties["spec"]
        assert (spec["language"], spec["display_name"]) == ("python", "Python 3 (ipykernel)")

    drive(jupyter, mode, workflow)


def test_kernel_lifecycle(jupyter: JupyterServer, mode: str) -> None:
    from jupyter_live_client.api.kernels import (
        delete_api_kernels_kernel_id,
        get_api_kernels,
        get_api_kernels_kernel_id,
        post_api_kernels,
        post_api_kernels_kernel_id_interrupt,
        post_api_kernels_kernel_id_restart,
    )
    from jupyter_live_client.errors import NotFoundError
    from jupyter_live_client.models import Kernel, PostApiKernelsBody

    async def workflow(d: Driver) -> None:
        started = await d.detailed(post_api_kernels, body=PostApiKernelsBody(name="python3"))
        assert started.status_code == 201
        kernel = started.parsed
        assert isinstance(kernel, Kernel) and kernel.name == "python3"

        read = await d.call(get_api_kernels_kernel_id, kernel_id=kernel.id)
        assert isinstance(read, Kernel) and read.id == kernel.id
        assert read.execution_state in {"starting", "idle", "busy"}
        assert kernel.id in [k.id for k in await d.call(get_api_kernels)]

        interrupted = await d.detailed(post_api_kernels_kernel_id_interrupt, kernel_id=kernel.id)
        assert interrupted.status_code == 204
        restarted = await d.call(post_api_kernels_kernel_id_restart, kernel_id=kernel.id)
        assert isinstance(restarted, Kernel) and restarted.id == kernel.id

        deleted = await d.detailed(delete_api_kernels_kernel_id, kernel_id=kernel.id)
        assert deleted.status_code == 204
        with pytest.raises(NotFoundError):
            await d.call(get_api_kernels_kernel_id, kernel_id=kernel.id)
        assert kernel.id not in [k.id for k in await d.call(get_api_kernels)]

    drive(jupyter, mode, workflow)


def test_session_lifecycle(jupyter: JupyterServer, mode: str) -> None:
    from jupyter_live_client.api.kernels import get_api_kernels
    from jupyter_live_client.api.sessions import (
        delete_api_sessions_session,
        get_api_sessions,
        get_api_sessions_session,
        post_api_sessions,
    )
    from jupyter_live_client.errors import NotFoundError
    from jupyter_live_client.models import Kernel, Session

    async def workflow(d: Driver) -> None:
        path = f"sessions/{d.mode} Grüße {uuid.uuid4().hex[:6]}.ipynb"
        created = await d.detailed(
            post_api_sessions,
            body=Session(path=path, name="live ✓", type="notebook"),  # the default kernel
        )
        assert created.status_code == 201
        session = created.parsed
        assert isinstance(session, Session) and session.id is not None
        assert (session.path, session.type) == (path, "notebook")
        assert isinstance(session.kernel, Kernel) and session.kernel.name == "python3"

        read = await d.call(get_api_sessions_session, session=session.id)
        assert (read.id, read.kernel.id) == (session.id, session.kernel.id)
        assert session.id in [s.id for s in await d.call(get_api_sessions)]
        assert session.kernel.id in [k.id for k in await d.call(get_api_kernels)]

        deleted = await d.detailed(delete_api_sessions_session, session=session.id)
        assert deleted.status_code == 204
        with pytest.raises(NotFoundError):
            await d.call(get_api_sessions_session, session=session.id)
        assert session.id not in [s.id for s in await d.call(get_api_sessions)]

    drive(jupyter, mode, workflow)
