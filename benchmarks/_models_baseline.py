"""Hand-written stdlib dataclasses for benchmarks/specs/bench-api.yaml: the floor for decode/encode.

The least code that still produces typed values (enums, datetimes, nested models) and omits
absent optional fields on encode; no validation beyond what the constructors do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any


class WorkspacePlan(str, Enum):
    FREE = "free"
    TEAM = "team"
    ENTERPRISE = "enterprise"


@dataclass(slots=True)
class Workspace:
    workspace_id: str
    name: str
    plan: WorkspacePlan
    member_count: int
    active: bool
    region: str
    tags: list[str]
    description: str | None
    has_description: bool

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Workspace:
        return cls(
            d["workspaceId"],
            d["name"],
            WorkspacePlan(d["plan"]),
            d["memberCount"],
            d["active"],
            d["region"],
            d["tags"],
            d.get("description"),
            "description" in d,
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            "workspaceId": self.workspace_id,
            "name": self.name,
            "plan": self.plan.value,
            "memberCount": self.member_count,
            "active": self.active,
            "region": self.region,
            "tags": self.tags,
        }
        if self.has_description:
            out["description"] = self.description
        return out


class RunStatus(str, Enum):
    PENDING = "Pending"
    RUNNING = "Running"
    WAITING_FOR_APPROVAL = "WaitingForApproval"
    PAUSED = "Paused"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    CANCELLED = "Cancelled"


class ExecutionTier(str, Enum):
    AUTO = "Auto"
    ASSISTED = "Assisted"
    HUMAN_APPROVE = "HumanApprove"
    MANUAL_ONLY = "ManualOnly"


class BudgetCapMetric(str, Enum):
    MODEL_SPEND_CENTS = "ModelSpendCents"
    TOOL_CALLS = "ToolCalls"
    OUTBOUND_ACTIONS = "OutboundActions"
    APPROVAL_REQUESTS = "ApprovalRequests"


class ExceptionClass(str, Enum):
    POLICY_VIOLATION = "policy-violation"
    EVIDENCE_GAP = "evidence-gap"
    ANOMALY_SIGNAL = "anomaly-signal"
    EXECUTION_FAILURE = "execution-failure"
    BUDGET_THRESHOLD = "budget-threshold"


class Severity(str, Enum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ScopeKind(str, Enum):
    PLATFORM_BASELINE = "PlatformBaseline"
    TENANT = "Tenant"
    WORKSPACE = "Workspace"
    ROLE_OR_QUEUE = "RoleOrQueue"
    RUN_CHARTER = "RunCharter"


@dataclass(slots=True)
class BudgetCap:
    metric: BudgetCapMetric
    hard_stop_at: int
    currency: str | None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BudgetCap:
        return cls(BudgetCapMetric(d["metric"]), d["hardStopAt"], d.get("currency"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metric": self.metric.value, "hardStopAt": self.hard_stop_at}
        if self.currency is not None:
            out["currency"] = self.currency
        return out


@dataclass(slots=True)
class EscalationTrigger:
    trigger_id: str
    exception_class: ExceptionClass
    min_severity: Severity
    next_step_options: list[str]
    rationale: str

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EscalationTrigger:
        return cls(
            d["triggerId"],
            ExceptionClass(d["exceptionClass"]),
            Severity(d["minSeverity"]),
            d["nextStepOptions"],
            d["rationale"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "triggerId": self.trigger_id,
            "exceptionClass": self.exception_class.value,
            "minSeverity": self.min_severity.value,
            "nextStepOptions": self.next_step_options,
            "rationale": self.rationale,
        }


@dataclass(slots=True)
class SourceLayerRef:
    layer_id: str
    scope_kind: ScopeKind
    summary: str

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SourceLayerRef:
        return cls(d["layerId"], ScopeKind(d["scopeKind"]), d["summary"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "layerId": self.layer_id,
            "scopeKind": self.scope_kind.value,
            "summary": self.summary,
        }


@dataclass(slots=True)
class RunCharter:
    charter_id: str
    version: int
    goal: str
    allowed_action_classes: list[str]
    budget_caps: list[BudgetCap]
    starts_at: datetime
    ends_at: datetime
    escalation_triggers: list[EscalationTrigger]
    local_decision_action_classes: list[str]
    approval_gate_action_classes: list[str]
    source_layers: list[SourceLayerRef]
    expanded_at_iso: datetime

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunCharter:
        window = d["timeWindow"]
        boundary = d["decisionBoundary"]
        return cls(
            d["charterId"],
            d["version"],
            d["goal"],
            d["allowedActionClasses"],
            [BudgetCap.from_dict(x) for x in d["budgetCaps"]],
            datetime.fromisoformat(window["startsAtIso"]),
            datetime.fromisoformat(window["endsAtIso"]),
            [EscalationTrigger.from_dict(x) for x in d["escalationTriggers"]],
            boundary["localDecisionActionClasses"],
            boundary["approvalGateActionClasses"],
            [SourceLayerRef.from_dict(x) for x in d["sourceLayers"]],
            datetime.fromisoformat(d["expandedAtIso"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "charterId": self.charter_id,
            "version": self.version,
            "goal": self.goal,
            "allowedActionClasses": self.allowed_action_classes,
            "budgetCaps": [x.to_dict() for x in self.budget_caps],
            "timeWindow": {
                "startsAtIso": self.starts_at.isoformat(),
                "endsAtIso": self.ends_at.isoformat(),
            },
            "escalationTriggers": [x.to_dict() for x in self.escalation_triggers],
            "decisionBoundary": {
                "localDecisionActionClasses": self.local_decision_action_classes,
                "approvalGateActionClasses": self.approval_gate_action_classes,
            },
            "sourceLayers": [x.to_dict() for x in self.source_layers],
            "expandedAtIso": self.expanded_at_iso.isoformat(),
        }


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass(slots=True)
class Run:
    schema_version: int
    run_id: str
    workspace_id: str
    workflow_id: str
    correlation_id: str
    execution_tier: ExecutionTier
    initiated_by_user_id: str
    status: RunStatus
    operator_owner_id: str | None
    created_at_iso: datetime
    started_at_iso: datetime | None
    ended_at_iso: datetime | None
    run_charter: RunCharter | None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Run:
        charter = d.get("runCharter")
        return cls(
            d["schemaVersion"],
            d["runId"],
            d["workspaceId"],
            d["workflowId"],
            d["correlationId"],
            ExecutionTier(d["executionTier"]),
            d["initiatedByUserId"],
            RunStatus(d["status"]),
            d.get("operatorOwnerId"),
            datetime.fromisoformat(d["createdAtIso"]),
            _dt(d.get("startedAtIso")),
            _dt(d.get("endedAtIso")),
            None if charter is None else RunCharter.from_dict(charter),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schemaVersion": self.schema_version,
            "runId": self.run_id,
            "workspaceId": self.workspace_id,
            "workflowId": self.workflow_id,
            "correlationId": self.correlation_id,
            "executionTier": self.execution_tier.value,
            "initiatedByUserId": self.initiated_by_user_id,
            "status": self.status.value,
            "operatorOwnerId": self.operator_owner_id,
            "createdAtIso": self.created_at_iso.isoformat(),
        }
        if self.started_at_iso is not None:
            out["startedAtIso"] = self.started_at_iso.isoformat()
        out["endedAtIso"] = None if self.ended_at_iso is None else self.ended_at_iso.isoformat()
        if self.run_charter is not None:
            out["runCharter"] = self.run_charter.to_dict()
        return out


MODELS = {"flat": Workspace, "runs": Run, "charter": Run}
