"""Deterministic, realistic payloads shaped by benchmarks/specs/bench-api.yaml (Portarium slices).

Timestamps carry ``Z`` like real API responses; nullable fields are a mix of null and values;
optional fields are sometimes absent.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from typing import Any

_T0 = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
_STATUSES = ["Pending", "Running", "WaitingForApproval", "Paused", "Succeeded", "Failed"]
_TIERS = ["Auto", "Assisted", "HumanApprove", "ManualOnly"]
_METRICS = ["ModelSpendCents", "ToolCalls", "OutboundActions", "ApprovalRequests"]
_EXCEPTIONS = ["policy-violation", "evidence-gap", "anomaly-signal", "execution-failure"]
_SEVERITIES = ["info", "low", "medium", "high", "critical"]
_SCOPES = ["PlatformBaseline", "Tenant", "Workspace", "RoleOrQueue", "RunCharter"]
_ACTIONS = ["email.send", "crm.update", "invoice.approve", "ticket.close", "payment.refund"]


def _ts(rng: random.Random) -> str:
    moment = _T0 + timedelta(
        seconds=rng.randrange(0, 90 * 86400), microseconds=rng.randrange(10**6)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def workspace(rng: random.Random, i: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "workspaceId": f"ws-{i:06d}",
        "name": f"Workspace {i} ({rng.choice(['Acme', 'Globex', 'Initech', 'Umbrella'])})",
        "plan": rng.choice(["free", "team", "enterprise"]),
        "memberCount": rng.randrange(1, 500),
        "active": rng.random() < 0.9,
        "region": rng.choice(["eu-west-1", "us-east-1", "ap-south-1"]),
        "tags": rng.sample(["finance", "ops", "sales", "legal", "it", "hr"], k=rng.randrange(0, 4)),
    }
    if rng.random() < 0.7:
        item["description"] = None if rng.random() < 0.4 else f"Team workspace number {i}"
    return item


def charter(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "charterId": f"ch-{i:06d}",
        "version": rng.randrange(1, 9),
        "goal": "Approve supplier invoices under the delegated limit and escalate the rest",
        "allowedActionClasses": rng.sample(_ACTIONS, k=3),
        "budgetCaps": [
            {"metric": m, "hardStopAt": rng.randrange(10, 10000), "currency": "EUR"}
            for m in rng.sample(_METRICS, k=3)
        ],
        "timeWindow": {"startsAtIso": _ts(rng), "endsAtIso": _ts(rng)},
        "escalationTriggers": [
            {
                "triggerId": f"tr-{i}-{n}",
                "exceptionClass": rng.choice(_EXCEPTIONS),
                "minSeverity": rng.choice(_SEVERITIES),
                "nextStepOptions": ["pause", "escalate", "abort"],
                "rationale": "Operator review is required above this threshold",
            }
            for n in range(2)
        ],
        "decisionBoundary": {
            "localDecisionActionClasses": rng.sample(_ACTIONS, k=2),
            "approvalGateActionClasses": rng.sample(_ACTIONS, k=2),
        },
        "sourceLayers": [
            {"layerId": f"layer-{n}", "scopeKind": rng.choice(_SCOPES), "summary": "Policy layer"}
            for n in range(2)
        ],
        "expandedAtIso": _ts(rng),
    }


def run(rng: random.Random, i: int, with_charter: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {
        "schemaVersion": 1,
        "runId": f"run-{i:08d}",
        "workspaceId": f"ws-{i % 97:06d}",
        "workflowId": f"wf-{rng.choice(['invoice-approval', 'refund', 'onboarding'])}",
        "correlationId": f"corr-{rng.getrandbits(64):016x}",
        "executionTier": rng.choice(_TIERS),
        "initiatedByUserId": f"user-{rng.randrange(1000):04d}",
        "status": rng.choice(_STATUSES),
        "operatorOwnerId": None if rng.random() < 0.5 else f"user-{rng.randrange(1000):04d}",
        "createdAtIso": _ts(rng),
    }
    if rng.random() < 0.8:
        item["startedAtIso"] = _ts(rng)
    item["endedAtIso"] = _ts(rng) if rng.random() < 0.5 else None
    if with_charter:
        item["runCharter"] = charter(rng, i)
    return item


def items(kind: str, count: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    if kind == "flat":
        return [workspace(rng, i) for i in range(count)]
    if kind == "runs":
        return [run(rng, i) for i in range(count)]
    if kind == "charter":
        return [run(rng, i, with_charter=True) for i in range(count)]
    raise ValueError(kind)


def encoded(kind: str, count: int) -> bytes:
    return json.dumps(items(kind, count), separators=(",", ":")).encode()
