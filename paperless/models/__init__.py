"""SQLAlchemy 2 typed models. Import from here; Alembic reads `Base.metadata`."""

from paperless.db import Base
from paperless.models.audit import AuditEntry, AuditHead, Minutes
from paperless.models.council import Committee, Council, DelegateGroup, Term
from paperless.models.delegate import Delegate, DelegateStatusChange
from paperless.models.document import (
    Document,
    DocumentPage,
    DocumentRead,
    DocumentVersion,
    PersonalNote,
)
from paperless.models.live import (
    Attendance,
    LiveConnection,
    LiveEvent,
    LiveState,
    Notice,
    Projection,
    Sitting,
    SpeakerRequest,
)
from paperless.models.meeting import AgendaItem, Meeting, MeetingInvitee
from paperless.models.opinion import (
    Consultation,
    ConsultationAnswer,
    DraftAgency,
    GroupSecretary,
    Opinion,
)
from paperless.models.oversight import (
    BodyMember,
    CitizenPetition,
    CitizenReception,
    Commitment,
    CommitmentReport,
    ResponsibleBody,
    SupervisionMission,
    VoterMeeting,
    VoterPetition,
)
from paperless.models.questioning import QuestionGroup, QuestioningState, QuestionSlip
from paperless.models.resolution import Resolution, ResolutionCounter
from paperless.models.user import ApiToken, AuthSession, LoginAttempt, RoleAssignment, User
from paperless.models.vote import (
    CastReceipt,
    ManualCount,
    OpenBallot,
    SecretBallot,
    SecretBallotKey,
    SecretParticipation,
    Vote,
)

__all__ = [
    "BodyMember",
    "CitizenPetition",
    "CitizenReception",
    "Commitment",
    "CommitmentReport",
    "ResponsibleBody",
    "SupervisionMission",
    "VoterMeeting",
    "VoterPetition",
    "Consultation",
    "ConsultationAnswer",
    "DraftAgency",
    "GroupSecretary",
    "Opinion",
    "Projection",
    "AgendaItem",
    "ApiToken",
    "AuthSession",
    "AuditEntry",
    "AuditHead",
    "Attendance",
    "Base",
    "CastReceipt",
    "Committee",
    "Council",
    "Delegate",
    "DelegateGroup",
    "DelegateStatusChange",
    "Document",
    "DocumentPage",
    "DocumentRead",
    "DocumentVersion",
    "LiveConnection",
    "LiveEvent",
    "LiveState",
    "LoginAttempt",
    "Meeting",
    "ManualCount",
    "MeetingInvitee",
    "Minutes",
    "Notice",
    "OpenBallot",
    "QuestionGroup",
    "QuestionSlip",
    "QuestioningState",
    "PersonalNote",
    "Resolution",
    "ResolutionCounter",
    "RoleAssignment",
    "SecretBallot",
    "SecretBallotKey",
    "SecretParticipation",
    "Sitting",
    "SpeakerRequest",
    "Term",
    "User",
    "Vote",
]
