"""Version-guarded saves of records two people can edit (a case, a callback): no lost updates.

Every save is one `UPDATE … WHERE id = :id AND version = :version_you_loaded` bumping the version; when
it matches nothing, the use case reads the record as it is now to explain the conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from dutyline.store.tables import Callback, Case, Officer

Editable = Literal["case", "callback"]
_MODELS: dict[str, type[Case] | type[Callback]] = {"case": Case, "callback": Callback}


def save(
    session: Session,
    what: Editable,
    item_id: int,
    version: int,
    values: Mapping[str, Any],
    *,
    teams: Sequence[str] | None = None,
) -> int | None:
    """The new version, or None when the record is gone, was saved by someone else since `version`, or
    (a callback, with `teams`) is not in one of those teams' queues."""
    model: Any = _MODELS[what]
    where = [model.id == item_id, model.version == version]
    if teams is not None and what == "callback":
        where.append(Callback.team_code.in_(list(teams)))
    stmt = (
        update(model)
        .where(*where)
        .values(**values, version=model.version + 1)
        .returning(model.version)
        .execution_options(synchronize_session=False)
    )
    new_version = session.execute(stmt).scalar()
    return None if new_version is None else int(new_version)


def current(session: Session, what: Editable, item_id: int) -> dict[str, Any] | None:
    """Every column of the record as stored now (for explaining a conflict), or None when it is gone."""
    model: Any = _MODELS[what]
    row = session.execute(select(model).where(model.id == item_id).execution_options(populate_existing=True)).scalar()
    if row is None:
        return None
    return {attr.key: getattr(row, attr.key) for attr in inspect(model).column_attrs}


def officer_name(session: Session, officer_id: int) -> str | None:
    return session.scalar(select(Officer.name).where(Officer.id == officer_id))


def callback_case_id(session: Session, callback_id: int) -> int | None:
    return session.scalar(select(Callback.case_id).where(Callback.id == callback_id))
