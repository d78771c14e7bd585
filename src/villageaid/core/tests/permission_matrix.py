"""Who may do what, where: the expected answers, written by hand.

Written from the roles in ARCHITECTURE.md ("What each role opens first") and the case procedure
(verify → compare → review → notice → township → county → announce), **not** read from
``core.roles.POLICY``: ``test_permission_matrix.py`` walks every page and API operation, reads
and writes, and compares what the product does with this file. Where the two disagree, one of
them is wrong; the report of issue 18 says which and why.

WHAT — the actions a role has in a module, one letter each:
  L view a list   D view one record   C create   U change   S decide a step (only the steps of
  the role, see STEPS)   X delete   E export   R reveal full ID numbers   A record an
  assessment finding (自查评估)
"""

from __future__ import annotations

ALL = "LDCUSXERA"

#               registry  screening cases     visits   greenhouse sales    epidemic reports core
_TABLE = """
admin           *         *         *         *        *          *        *        *       *
city            LDE       LDE       LDE       LDCUSEA  LD         LDE      LDE      LDE     -
county          LDCUER    LDCUE     LDCUSE    LDCUSEA  LD         LDE      LDE      LDE     -
township        LDES      LDE       LDCUSE    LDCUSE   LD         LDE      LDCUSE   LDE     -
cadre           LDCUER    LD        LDCUSE    LDCUSE   LD         LD       LDCUSE   LDE     -
helper          LD        -         LDCUS     LDCU     -          -        -        -       -
grid            LD        -         LDCUS     LDCU     -          -        LDCU     -       -
assessor        LD        -         -         LDA      -          -        -        -       -
tech            -         -         -         -        LDCUE      LD       -        -       -
sales           -         -         -         -        LD         LDCUE    -        -       -
gate            -         -         -         -        -          -        LDCU     -       -
"""
MODULES = (
    "registry",
    "screening",
    "cases",
    "visits",
    "greenhouse",
    "sales",
    "epidemic",
    "reports",
    "core",
)

# The steps of the case procedure and who decides each (monitoring.md: the village verifies,
# reviews and posts the notice; the county compares and decides; the township reviews and
# announces; only the county rolls a risk elimination back).
STEPS: dict[str, frozenset[str]] = {
    "verify": frozenset({"cadre", "helper", "grid"}),
    "compare": frozenset({"county"}),
    "review": frozenset({"cadre"}),
    "notice": frozenset({"cadre"}),
    "township": frozenset({"township"}),
    "county": frozenset({"county"}),
    "announce": frozenset({"township"}),
    "rollback": frozenset({"county"}),
    # Outside the case chain: the township checks a sample of 核实无风险 clue endings and
    # approves corrections of wrongly entered data and households moving between villages.
    "clue-review": frozenset({"township"}),
    "correction-request": frozenset({"cadre"}),
    "correction": frozenset({"township"}),
    "transfer": frozenset({"township"}),
    # Closed-village mode (封村) is switched by the village cadre or the township.
    "closure": frozenset({"cadre", "township"}),
    # The helpers' and campaigns' work (visits): the village cadre and the township pair
    # households with helpers; the city, county and township open self-assessment campaigns;
    # the branch secretary (a cadre) or the township decides party members' points claims.
    "pairing": frozenset({"cadre", "township"}),
    "campaign": frozenset({"city", "county", "township"}),
    "points": frozenset({"cadre", "township"}),
}
# Steps decided for the villages by the level above them: a township official assigned to a
# single village (the "own" persona) is not the township that approves a move between villages.
STEP_REACH: dict[str, frozenset[str]] = {"transfer": frozenset({"up"})}

# WHERE — the record lies in 北马村 (its first grid). Each role has one persona per relation:
#   own        a user of 北马村, the record is theirs (for a helper: the household is paired
#              with them; for an assessor: it is in a campaign they assess)
#   not-mine   the same user, a record of 北马村 that is not theirs (another household;
#              a record tied to no household, e.g. a self-declaration; the village's own
#              QR poster for the public declaration form is public material, not a record)
#   next       a user of the neighbouring 南马村
#   up         a user of the township above (宋村镇)
#   far        a user of a village in another county
RELATIONS = ("own", "not-mine", "next", "up", "far")
_REACH = """
                own  not-mine  next  up  far
admin           Y    Y         Y     Y   Y
helper          Y    N         N     Y   N
assessor        Y    N         N     Y   N
*               Y    Y         N     Y   N
"""
# The roles whose "not-mine" records are out of reach, and the modules where that holds
# (their households live in these modules; elsewhere they have no rights at all).
HOUSEHOLD_BOUND = frozenset({"helper", "assessor"})


def _parse_table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for line in _TABLE.strip().splitlines():
        role, *cells = line.split()
        assert len(cells) == len(MODULES), line
        table[role] = {
            m: ALL if c == "*" else c.replace("-", "") for m, c in zip(MODULES, cells, strict=True)
        }
    return table


def _parse_reach() -> dict[str, dict[str, bool]]:
    lines = _REACH.strip().splitlines()
    header = lines[0].split()
    assert tuple(header) == RELATIONS
    return {
        role: dict(zip(header, (c == "Y" for c in cells), strict=True))
        for role, *cells in (line.split() for line in lines[1:])
    }


WHAT = _parse_table()
REACH = _parse_reach()
ROLES = tuple(WHAT)


def may(role: str, module: str, action: str) -> bool:
    """The role's action in the module, wherever the record lies."""
    return action in WHAT[role][module]


def reaches(role: str, relation: str) -> bool:
    return (REACH.get(role) or REACH["*"])[relation]


def expected(role: str, module: str, action: str, relation: str, *, step: str = "") -> bool:
    """Allowed or not: the action, the reach, and for a step the role's place in it."""
    if not may(role, module, action) or not reaches(role, relation):
        return False
    if action == "S" and step and role != "admin":
        return role in STEPS[step] and relation in STEP_REACH.get(step, RELATIONS)
    return True
