"""A staff record as the use cases see it: who may use dutyline, as what, for which teams.

A plain value, so the staff rules (the last-admin rule, bootstrap, PIN lock-out) can run against a
repository in memory as well as against the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from dutyline.domain.model import Role


@dataclass(frozen=True)
class StaffRecord:
    login: str
    display_name: str
    roles: frozenset[Role]
    teams: tuple[str, ...] = ()
    active: bool = True
    #: Set when a PIN is being stored; records read back never carry it (see StaffRepository.pin_states).
    pin_hash: str = ""

    @property
    def is_active_admin(self) -> bool:
        return self.active and Role.ADMIN in self.roles


def parse_roles(text: str) -> frozenset[Role]:
    """Roles as stored (comma-separated codes)."""
    return frozenset(Role(r) for r in text.split(",") if r)


def roles_text(roles: frozenset[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def leaves_no_admin(records: list[StaffRecord]) -> bool:
    """True when there are staff but none is an active admin: nobody could manage them."""
    return bool(records) and not any(r.is_active_admin for r in records)
