"""All tables and schema families; importing this registers every table on SQLModel.metadata."""

from kb.models.barrier import *  # noqa: F401,F403
from kb.models.barrier import __all__ as _barrier_all
from kb.models.brief import Brief, BriefPublic, BriefsPublic
from kb.models.reference import (
    FormerMunicipality, Municipality, MunicipalityPublic, Project, ProjectCreate, ProjectPublic, ProjectsPublic,
)
from kb.models.regulation import (
    Article, ArticleBase, ArticleCreate, ArticlePublic, Identifiers, Regulation, RegulationCreate,
    RegulationDetail, RegulationPublic, RegulationsPublic,
)
from kb.models.security import LoginFailure, LoginSession
from kb.models.system import ApiToken, AuditEvent, AuditEventPublic, OutboxEntry, User, UserPublic
from kb.models.theme import MEMBER_SOURCES, THEME_STATES, Theme, ThemeMember

__all__ = [
    *_barrier_all,
    "Brief", "BriefPublic", "BriefsPublic",
    "Article", "ArticleBase", "ArticleCreate", "ArticlePublic", "Identifiers", "Regulation", "RegulationCreate",
    "RegulationDetail", "RegulationPublic", "RegulationsPublic",
    "FormerMunicipality", "Municipality", "MunicipalityPublic", "Project", "ProjectCreate", "ProjectPublic",
    "ProjectsPublic", "LoginFailure", "LoginSession", "ApiToken", "AuditEvent", "AuditEventPublic", "OutboxEntry",
    "User", "UserPublic",
    "MEMBER_SOURCES", "THEME_STATES", "Theme", "ThemeMember",
]
