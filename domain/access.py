"""Who may see what on the desk: roles from config, and the stations each role looks at."""

from __future__ import annotations

from dataclasses import dataclass

from domain.config import Config

ROLE_NAMES = {
    "officer": "队员",
    "leader": "中队长",
    "duty_officer": "中队值班员",
    "bureau": "执法局",
    "admin": "管理员",
}
DISTRICT_ROLES = frozenset({"bureau", "admin"})


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: role and scope (station for officers, squadron for leaders)."""

    userid: str
    name: str
    role: str
    scope: str | None  # station code, squadron code, or None for the whole district
    ticket: str | None = None  # a push-link sign-in is good for this one ticket only

    @property
    def role_name(self) -> str:
        """The role as people say it."""
        return ROLE_NAMES[self.role]

    @property
    def is_admin(self) -> bool:
        """Admins see the configuration, the failed sends and the desk users."""
        return self.role == "admin"

    @property
    def district_wide(self) -> bool:
        """Bureau and admins see every station."""
        return self.role in DISTRICT_ROLES


def viewer_for(config: Config, userid: str, ticket: str | None = None) -> Viewer | None:
    """The Viewer for a configured userid (officer, leader, duty officer, bureau, admin)."""
    role = config.role_of(userid)
    if role is not None:
        person = config.officer(userid)
        return Viewer(userid, person.name, role[0], role[1], ticket)
    for kind in ("admin", "bureau"):
        for person in getattr(config, kind):
            if person.userid == userid:
                return Viewer(userid, person.name, kind, None, ticket)
    return None


def visible_stations(config: Config, viewer: Viewer) -> list[str] | None:
    """Station codes the viewer may look at; None means every station."""
    if viewer.district_wide:
        return None
    if viewer.role == "officer":
        return [viewer.scope]
    return [s.code for s in config.stations if s.squadron == viewer.scope]


def may_see_station(config: Config, viewer: Viewer, station: str) -> bool:
    """True when the station is inside the viewer's scope."""
    codes = visible_stations(config, viewer)
    return codes is None or station in codes


def may_see_ticket(config: Config, viewer: Viewer, ticket_no: str, station: str) -> bool:
    """Scope check, and a push-link sign-in opens only its own ticket."""
    if viewer.ticket is not None and viewer.ticket != ticket_no:
        return False
    return may_see_station(config, viewer, station)


@dataclass(frozen=True)
class Scope:
    """What a statistics query covers: the district, a squadron or a station."""

    kind: str  # district | squadron | station
    code: str | None = None

    def stations(self, config: Config) -> list[str] | None:
        """Station codes covered; None for the whole district."""
        if self.kind == "station":
            return [self.code]
        if self.kind == "squadron":
            return [s.code for s in config.stations if s.squadron == self.code]
        return None

    def label(self, config: Config) -> str:
        """A heading for pages and reports."""
        if self.kind == "station":
            return config.station(self.code).name
        if self.kind == "squadron":
            return config.squadron(self.code).name
        return "全区"


def default_scope(viewer: Viewer) -> Scope:
    """The widest scope the viewer may see."""
    if viewer.district_wide:
        return Scope("district")
    if viewer.role == "officer":
        return Scope("station", viewer.scope)
    return Scope("squadron", viewer.scope)


def allowed_scope(config: Config, viewer: Viewer, scope: Scope) -> bool:
    """True when every station of `scope` is visible to the viewer (and the scope exists)."""
    if scope.kind == "station" and config.station(scope.code or "") is None:
        return False
    if scope.kind == "squadron" and config.squadron(scope.code or "") is None:
        return False
    if scope.kind not in ("district", "squadron", "station"):
        return False
    mine = visible_stations(config, viewer)
    if mine is None:
        return True
    wanted = scope.stations(config)
    return wanted is not None and set(wanted) <= set(mine)


def desk_userids(config: Config) -> list[str]:
    """Everyone who may sign in to the desk."""
    people = [p.userid for q in config.squadrons for p in (q.leader, q.duty_officer)]
    people += [p.userid for s in config.stations for p in s.officers]
    return people + [p.userid for p in (*config.bureau, *config.admin)]
