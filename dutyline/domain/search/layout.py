"""The row layout the index is fed with, shared by the database reader, the demo generator and tests.

Plain tuples (not objects) because a million of them are streamed through the builder.
"""

from __future__ import annotations

#: Case rows: (id, case_ref, first_name, last_name, known_as, date_of_birth, postcode, school, stage,
#: named_officer_name). date_of_birth may be a `datetime.date` or an ISO 'YYYY-MM-DD' string; any extra
#: trailing items (e.g. updated_at) are ignored.
CASE_COLUMNS = (
    "id",
    "case_ref",
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "postcode",
    "school",
    "stage",
    "named_officer",
)
#: Contact rows: (case_id, position, name, phone, alt_phone). Phones in any format (digits are kept).
CONTACT_COLUMNS = ("case_id", "position", "name", "phone", "alt_phone")
