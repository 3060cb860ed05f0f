"""Hand-written pydantic v2 models equivalent to benchmarks/specs/bench-api.yaml."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class WorkspacePlan(str, Enum):
    FREE = "free"
    TEAM = "team"
    ENTERPRISE = "enterprise"


class Workspace(_Model):
    workspace_id: str = Field(alias="workspaceId")
    name: str
    plan: WorkspacePlan
    member_count: int = Field(alias="memberCount")
    active: bool
    region: str
    tags: list[str]
    description: str | None = None


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


class BudgetCap(_Model):
    metric: BudgetCapMetric
    hard_stop_at: int = Field(alias="hardStopAt")
    currency: str | None = None


class TimeWindow(_Model):
    starts_at_iso: datetime = Field(alias="startsAtIso")
    ends_at_iso: datetime = Field(alias="endsAtIso")


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


class EscalationTrigger(_Model):
    trigger_id: str = Field(alias="triggerId")
    exception_class: ExceptionClass = Field(alias="exceptionClass")
    min_severity: Severity = Field(alias="minSeverity")
    next_step_options: list[str] = Field(alias="nextStepOptions")
    rationale: str


class DecisionBoundary(_Model):
    local_decision_action_classes: list[str] = Field(alias="localDecisionActionClasses")
    approval_gate_action_classes: list[str] = Field(alias="approvalGateActionClasses")


class ScopeKind(str, Enum):
    PLATFORM_BASELINE = "PlatformBaseline"
    TENANT = "Tenant"
    WORKSPACE = "Workspace"
    ROLE_OR_QUEUE = "RoleOrQueue"
    RUN_CHARTER = "RunCharter"


class SourceLayerRef(_Model):
    layer_id: str = Field(alias="layerId")
    scope_kind: ScopeKind = Field(alias="scopeKind")
    summary: str


class RunCharter(_Model):
    charter_id: str = Field(alias="charterId")
    version: int
    goal: str
    allowed_action_classes: list[str] = Field(alias="allowedActionClasses")
    budget_caps: list[BudgetCap] = Field(alias="budgetCaps")
    time_window: TimeWindow = Field(alias="timeWindow")
    escalation_triggers: list[EscalationTrigger] = Field(alias="escalationTriggers")
    decision_boundary: DecisionBoundary = Field(alias="decisionBoundary")
    source_layers: list[SourceLayerRef] = Field(alias="sourceLayers")
    expanded_at_iso: datetime = Field(alias="expandedAtIso")


class Run(_Model):
    schema_version: int = Field(alias="schemaVersion")
    run_id: str = Field(alias="runId")
    workspace_id: str = Field(alias="workspaceId")
    workflow_id: str = Field(alias="workflowId")
    correlation_id: str = Field(alias="correlationId")
    execution_tier: ExecutionTier = Field(alias="executionTier")
    initiated_by_user_id: str = Field(alias="initiatedByUserId")
    status: RunStatus
    operator_owner_id: str | None = Field(default=None, alias="operatorOwnerId")
    created_at_iso: datetime = Field(alias="createdAtIso")
    started_at_iso: datetime | None = Field(default=None, alias="startedAtIso")
    ended_at_iso: datetime | None = Field(default=None, alias="endedAtIso")
    run_charter: RunCharter | None = Field(default=None, alias="runCharter")


MODELS = {"flat": Workspace, "runs": Run, "charter": Run}
