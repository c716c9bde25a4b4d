"""Request and response models of the HTTP API, named by role (ScreenRequest, ...).

Requests forbid unknown fields, so a typo (`"dateOfBirth"`) is a 422 that names it rather
than a silently weaker screening.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from proscribe.rules.activity import Activity



#: Text that reaches the store: no NUL character, which PostgreSQL's text type refuses (a
#: 422 naming the field, not a 500 from the database; SQLite would have taken it).
NO_NUL = r"^[^\x00]*$"

class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(extra="allow")


class ScreenQuery(_Request):
    """One party to screen (the fields of `proscribe.screening.ScreeningQuery`)."""

    name: str = Field("", max_length=1000, description="Name in any script.",
                      examples=["Jang Su Han"])
    type: Literal["person", "organization", "vessel", "aircraft", "company", "individual",
                  "ship", "entity", "org", "organisation"] | None = Field(
        None, description="What the party is; omitted: any."
    )
    dob: str | None = Field(None, max_length=10,
                            description="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD.")
    country: str | None = Field(None, max_length=100,
                                description="Nationality or country: ISO2 or a name.")
    gender: str | None = Field(None, max_length=10, description="male / female.")
    identifiers: list[str] = Field(default_factory=list, max_length=50,
                                   description='"type:value", e.g. "imo:8660313".')
    limit: int | None = Field(None, ge=1, le=500, description="Most candidates returned.")
    match_threshold: float | None = Field(None, ge=0, le=1)
    review_threshold: float | None = Field(None, ge=0, le=1)


class ScreenRequest(ScreenQuery):
    as_of: date | None = Field(
        None, description="Screen against the list versions current on this date."
    )


class ScreenBatchRequest(_Request):
    queries: list[ScreenQuery] = Field(min_length=1, description="Up to 1,000 queries.")
    as_of: date | None = None


class CheckRequest(Activity):
    """An activity to check against the regime rules (see `proscribe check`)."""


class ListVersionInfo(_Response):
    source: str
    version: str
    published: date | None = None
    sha256: str | None = None


class AlgorithmInfo(_Response):
    id: str
    version: str
    settings: dict[str, Any] = Field(default_factory=dict)


class Provenance(_Response):
    """What every answer was computed with."""

    index_version: str | None = None
    list_versions: list[ListVersionInfo]
    algorithm: AlgorithmInfo


class ScreenResponse(Provenance):
    audit_id: int = Field(description="Sequence number of the audit record of this answer.")
    as_of: date | None = None
    query: dict[str, Any]
    band: Literal["match", "review", "no_match"]
    candidates: list[dict[str, Any]] = Field(
        description="Best first: entity_id, name, score, band, explanation (reasons)."
    )
    elapsed_ms: float


class ScreenBatchResponse(Provenance):
    audit_id: int
    as_of: date | None = None
    results: list[dict[str, Any]]


class CheckResponse(Provenance):
    audit_id: int
    result: dict[str, Any]


class EntityResponse(Provenance):
    id: str
    records: list[dict[str, Any]]


class ListsResponse(Provenance):
    as_of: date | None = None
    lists: list[dict[str, Any]]


class DiffResponse(Provenance):
    diff: dict[str, Any]


class UpdateRequest(_Request):
    download: bool = Field(
        False, description="Download the official files first (else: import PROSCRIBE_LISTS_DIR)."
    )
    sources: list[str] | None = Field(None, max_length=20,
                                      description="Only these sources (with download).")


class UpdateResponse(Provenance):
    status: Literal["updated", "unchanged", "refused"]
    imported: list[dict[str, Any]]
    refused: list[dict[str, Any]]
    previous_index_version: str | None = None


class Health(_Response):
    status: str
    version: str | None = None
    algorithm: str | None = None
    compiled: bool | None = Field(
        default=None, description="Whether the matcher runs compiled (mypyc) or interpreted.")


# ----------------------------------------------------------------------- monitoring
class DecisionRequest(_Request):
    decision: Literal["true_match", "false_positive"]
    reason: str = Field(min_length=1, max_length=2000, pattern=NO_NUL,
                        examples=["different date of birth and nationality"])
    reviewer: str = Field(min_length=1, max_length=200, pattern=NO_NUL, examples=["j.doe"])


class AlertsResponse(_Response):
    alerts: list[dict[str, Any]] = Field(
        description="Alerts oldest first: kind (new_hit / changed_hit / removed_hit), status "
                    "(open / suppressed / decided), the customer and listed entity, the list "
                    "version that raised it, score, band and detail (candidate, algorithm, "
                    "list diff).")


class DecisionResponse(_Response):
    decision: dict[str, Any]


class ErrorResponse(_Response):
    error: str = Field(examples=["QueryError"])
    message: str


# ----------------------------------------------------------------------- yente /match
class EntityExample(_Request):
    """A FollowTheMoney-shaped example entity, as yente's /match takes it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str | None = Field(None, max_length=200)
    schema_: str = Field(alias="schema", max_length=50, examples=["Person"])
    properties: dict[str, str | list[str]] = Field(
        default_factory=dict, examples=[{"name": ["Jang Su Han"], "birthDate": ["1969"]}]
    )


class MatchRequest(_Request):
    queries: dict[str, EntityExample] = Field(min_length=1)
    weights: dict[str, float] = Field(
        default_factory=dict, description="Accepted for compatibility; ignored (see docs)."
    )
    config: dict[str, Any] = Field(
        default_factory=dict, description="Algorithm configuration: must be empty."
    )


class MatchResponse(_Response):
    responses: dict[str, dict[str, Any]]
    matcher: dict[str, Any]
    limit: int
    list_versions: list[ListVersionInfo]
    algorithm: AlgorithmInfo
    index_version: str | None = None
    audit_id: int


__all__ = [
    "AlgorithmInfo",
    "CheckRequest",
    "CheckResponse",
    "DiffResponse",
    "EntityExample",
    "EntityResponse",
    "ErrorResponse",
    "Health",
    "ListVersionInfo",
    "ListsResponse",
    "MatchRequest",
    "MatchResponse",
    "Provenance",
    "ScreenBatchRequest",
    "ScreenBatchResponse",
    "ScreenQuery",
    "ScreenRequest",
    "ScreenResponse",
    "UpdateRequest",
    "UpdateResponse",
]
