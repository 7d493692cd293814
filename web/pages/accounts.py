"""Account pages: the own profile (`/profiel`) and the user administration (`/gebruikers`, beheerder), with
their twins `/api/profile` and `/api/users`. The forms that change them are in web/routes/account.py."""

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, select

from kb.enums import Role
from kb.models import User, UserPublic
from kb.services.users import get_user, list_tokens
from web.deps import Admin, DbSession, Reader
from web.templating import render

router = APIRouter(tags=["accounts"])


def profile_data(session: Session, name: str) -> dict[str, Any]:
    user = get_user(session, name)
    return {"user": UserPublic.model_validate(user, from_attributes=True).model_dump(mode="json"),
            "tokens": [{"id": t.id, "created_at": t.created_at.isoformat()} for t in list_tokens(session, name)]}


@router.get("/profiel", include_in_schema=False)
def profile(request: Request, session: DbSession, principal: Reader):
    return render(request, "profile.html", {**profile_data(session, principal.name), "new_token": None, "errors": {}},
                  json_url="/api/profile")


@router.get("/api/profile", tags=["accounts"])
def api_profile(session: DbSession, principal: Reader) -> dict:
    return profile_data(session, principal.name)


def users_data(session: Session) -> dict[str, Any]:
    users = session.exec(select(User).order_by(User.name))
    return {"data": [UserPublic.model_validate(u, from_attributes=True).model_dump(mode="json") for u in users],
            "roles": [r.value for r in Role]}


@router.get("/gebruikers", include_in_schema=False)
def users(request: Request, session: DbSession, _admin: Admin):
    return render(request, "users.html", {**users_data(session), "form": {}, "errors": {}, "created": None},
                  json_url="/api/users")


@router.get("/api/users", tags=["accounts"])
def api_users(session: DbSession, _admin: Admin) -> dict:
    return users_data(session)
