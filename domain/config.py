"""Validated, immutable configuration loaded once from config.yaml (or a dict in tests)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from spec.taxonomy import CATEGORY_CODES

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,32}$")]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]*$")]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Role = tuple[str, str]


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid; the message names the field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(_Frozen):
    """A WeCom user: station officer, squadron leader or duty officer."""

    userid: UserId
    name: Text
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\- ]{3,20}$")] | None = None
    # The officer's personal WeChat ids as group-chat bridges report them, so commands an
    # officer writes in a community group are recognised too.
    wechat_ids: tuple[Text, ...] = ()


class ServiceSettings(_Frozen):
    """Bot identity and edge limits."""

    name: Text
    bot_name: Text
    timezone: Text = "Asia/Shanghai"
    ticket_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,8}$")]
    public_url: HttpUrl
    max_body_bytes: PositiveInt = 65536
    replay_window_seconds: PositiveInt = 300
    # Reverse proxies in front of the web process (nginx: 1): their X-Forwarded-For gives the
    # client address the desk's sign-in limit counts; 0 trusts no such header.
    proxy_hops: Annotated[int, Field(ge=0, le=5)] = 0

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class SecretNames(_Frozen):
    """Names of environment variables holding secrets; the values never live in the file."""

    bridge_secret: EnvName
    api_token: EnvName
    bridge_reply_url: EnvName
    wecom_corp_id: EnvName
    wecom_secret: EnvName
    wecom_agent_id: EnvName
    wecom_token: EnvName
    wecom_encoding_aes_key: EnvName
    wechat_app_id: EnvName
    wechat_app_secret: EnvName
    wechat_token: EnvName
    wechat_encoding_aes_key: EnvName
    # Added with issue 10; defaults keep older config files valid.
    wecom_robot_keys: EnvName = "WECOM_ROBOT_KEYS"  # group_id=key,... (群机器人 webhook keys)
    aibot_token: EnvName = "AIBOT_TOKEN"  # 智能机器人 callback Token
    aibot_encoding_aes_key: EnvName = "AIBOT_ENCODING_AES_KEY"
    s3_access_key_id: EnvName = "S3_ACCESS_KEY_ID"
    s3_secret_access_key: EnvName = "S3_SECRET_ACCESS_KEY"
    # Signs the desk's session cookies and CSRF tokens; a default keeps older files valid.
    session_secret: EnvName = "SECRET_KEY"


class Channels(_Frozen):
    """Outgoing channel choice and HTTP settings."""

    notifier: Literal["console", "wecom"] = "console"
    wecom_api_base_url: HttpUrl = "https://qyapi.weixin.qq.com/cgi-bin/"
    wechat_api_base_url: HttpUrl = "https://api.weixin.qq.com/cgi-bin/"
    http_timeout_seconds: PositiveFloat = 5
    # 群机器人: webhook base URL, per-robot limit, and an untracked YAML file {group_id: key}
    robot_webhook_url: HttpUrl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
    robot_keys_file: str | None = None
    robot_messages_per_minute: PositiveInt = 20
    # 按钮交互型 template card with an 接单 button; `text` keeps the old text card
    officer_card: Literal["template", "text"] = "text"


class S3Settings(_Frozen):
    """An S3-compatible bucket for photos (keys come from the secrets section)."""

    endpoint_url: HttpUrl
    bucket: Text
    region: str | None = None
    prefix: str = "media/"


class MediaSettings(_Frozen):
    """Photos and voice files: where they are kept and what is accepted."""

    folder: str = "var/media"
    s3: S3Settings | None = None
    max_bytes: PositiveInt = 10 * 1024 * 1024
    max_pixels: PositiveInt = 40_000_000  # decompression bombs are refused before decoding
    min_side: PositiveInt = 16  # smaller "images" are tracking pixels or icons, not photos
    join_minutes: PositiveInt = 5  # a resident's photo this soon after a complaint joins it


class AcceptMinutes(_Frozen):
    """Minutes an officer has to accept a ticket, by urgency."""

    urgent: PositiveInt
    normal: PositiveInt


class TimeLimits(_Frozen):
    """Ticket timing rules shared by every category."""

    accept_minutes: AcceptMinutes
    remind_at_fraction: Annotated[float, Field(gt=0, lt=1)] = 0.5
    satisfaction_wait_hours: PositiveFloat = 24


class Category(_Frozen):
    """One complaint category: display name, urgency, time limit, unit and keyword weights."""

    zh: Text
    urgent: bool
    resolve_hours: PositiveFloat | None = None
    resolve_workdays: PositiveInt | None = None
    unit: Literal["处", "平方米", "辆", "只", "张", "起"]
    keywords: dict[Text, PositiveFloat] = {}

    @model_validator(mode="after")
    def _one_limit(self) -> Category:
        if (self.resolve_hours is None) == (self.resolve_workdays is None):
            raise ValueError("give exactly one of resolve_hours or resolve_workdays")
        return self


class Squadron(_Frozen):
    """A street squadron (街道中队): takes hard cases and covers stations off duty."""

    code: Code
    name: Text
    street: Text
    leader: Person
    duty_officer: Person


def _parse_hhmm(value: Any) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError('expected a quoted "HH:MM" string')
    hours, sep, minutes = value.partition(":")
    ok = sep and len(hours) == 2 and len(minutes) == 2 and (hours + minutes).isdigit()
    if not ok or int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f'{value!r} is not a valid "HH:MM" time')
    return time(int(hours), int(minutes))


class Shift(_Frozen):
    """A weekly shift; end <= start means it runs past midnight into the next day."""

    days: Annotated[list[Day], Field(min_length=1)]
    start: time
    end: time
    officers: Annotated[list[UserId], Field(min_length=1)]

    @field_validator("start", "end", mode="before")
    @classmethod
    def _hhmm(cls, value: Any) -> time:
        return _parse_hhmm(value)

    @field_serializer("start", "end")
    def _dump_hhmm(self, value: time) -> str:
        return value.strftime("%H:%M")  # round-trips through from_mapping

    @property
    def overnight(self) -> bool:
        """True when the shift continues into the next day."""
        return self.end <= self.start


class Station(_Frozen):
    """A community workstation (工作站) with its officers and weekly roster."""

    code: Code
    name: Text
    squadron: Code
    officers: Annotated[list[Person], Field(min_length=2)]
    roster: list[Shift] = []


class GeoPoint(_Frozen):
    """A GCJ-02 coordinate inside mainland China's bounding box."""

    lat: Annotated[float, Field(ge=3.8, le=53.6)]
    lng: Annotated[float, Field(ge=73.5, le=135.1)]


class Community(_Frozen):
    """A residential community (小区) bound to one station and its WeChat groups."""

    name: Text
    aliases: list[Text] = []
    station: Code
    groups: Annotated[list[Text], Field(min_length=1)]
    # Approximate centre (GCJ-02, as WeChat sends locations) and the radius it covers.
    location: GeoPoint | None = None
    radius_m: Annotated[int, Field(gt=0, le=5000)] | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Community:
        if (self.location is None) != (self.radius_m is None):
            raise ValueError("give both location and radius_m, or neither")
        return self


class Config(_Frozen):
    """The whole configuration, with lookup indexes built once at validation."""

    service: ServiceSettings
    secrets: SecretNames
    channels: Channels = Channels()
    media: MediaSettings = MediaSettings()
    time_limits: TimeLimits
    categories: dict[str, Category]
    nlp: dict[str, Any] = {}
    squadrons: Annotated[list[Squadron], Field(min_length=1)]
    stations: Annotated[list[Station], Field(min_length=1)]
    communities: Annotated[list[Community], Field(min_length=1)]
    # The desk's district-wide roles: bureau staff see everything, admins also manage.
    bureau: list[Person] = []
    admin: list[Person] = []

    _tz: ZoneInfo = PrivateAttr()
    _by_group: dict[str, Community] = PrivateAttr()
    _by_name: dict[str, Community] = PrivateAttr()
    _stations: dict[str, Station] = PrivateAttr()
    _squadrons: dict[str, Squadron] = PrivateAttr()
    _people: dict[str, Person] = PrivateAttr()
    _roles: dict[str, Role] = PrivateAttr()

    @model_validator(mode="after")
    def _cross_check(self) -> Config:
        # ConfigError is not a ValueError, so pydantic lets it through unwrapped.
        problems = list(_check_references(self))
        if problems:
            raise ConfigError("\n".join(f"{path}: {msg}" for path, msg in problems))
        self._build_indexes()
        return self

    def _build_indexes(self) -> None:
        self._tz = ZoneInfo(self.service.timezone)
        self._stations = {s.code: s for s in self.stations}
        self._squadrons = {q.code: q for q in self.squadrons}
        self._by_group = {g: c for c in self.communities for g in c.groups}
        self._by_name = {k: c for c in self.communities for k in (c.name, *c.aliases)}
        self._people, self._roles, self._by_wechat_id = {}, {}, {}
        for userid, person, role in _people_with_roles(self):
            self._people[userid] = person
            self._roles[userid] = role
            self._by_wechat_id.update(dict.fromkeys(person.wechat_ids, userid))

    @classmethod
    def from_mapping(cls, data: Any) -> Config:
        """Validate a plain mapping (as parsed from YAML) into a Config, or raise ConfigError."""
        if not isinstance(data, Mapping):
            raise ConfigError("config: expected a mapping at the top level")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_format_errors(exc)) from None

    @property
    def tz(self) -> ZoneInfo:
        """The service time zone (rosters and deadlines are in this local time)."""
        return self._tz

    def community_for_group(self, group_id: str) -> Community | None:
        """The community a WeChat group is bound to."""
        return self._by_group.get(group_id)

    def community_named(self, name: str) -> Community | None:
        """The community with this canonical name or alias."""
        return self._by_name.get(name)

    def nearest_community(self, lat: float, lng: float) -> tuple[Community | None, float]:
        """The closest community whose radius covers (lat, lng), and its distance in metres."""
        best, best_m = None, float("inf")
        for community in self.communities:
            if community.location is None:
                continue
            metres = distance_m(lat, lng, community.location.lat, community.location.lng)
            if metres <= community.radius_m and metres < best_m:
                best, best_m = community, metres
        return best, best_m

    def station(self, code: str) -> Station | None:
        """The station with this code."""
        return self._stations.get(code)

    def squadron(self, code: str) -> Squadron | None:
        """The squadron with this code."""
        return self._squadrons.get(code)

    def station_of_community(self, name: str) -> Station | None:
        """The station serving the community with this name or alias."""
        community = self.community_named(name)
        return self._stations[community.station] if community else None

    def officer(self, userid: str) -> Person | None:
        """Anyone known by WeCom userid: station officer, squadron leader or duty officer."""
        return self._people.get(userid)

    def role_of(self, userid: str) -> Role | None:
        """("officer", station) / ("leader", squadron) / ("duty_officer", squadron) or None."""
        return self._roles.get(userid)

    def staff_userid(self, sender_id: str) -> str | None:
        """The WeCom userid of a staff sender, known by userid or by a bridge WeChat id."""
        if sender_id in self._roles:
            return sender_id
        return self._by_wechat_id.get(sender_id)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine; GCJ-02's offset is the same for both ends)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


EARTH_RADIUS_M = 6_371_000


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a YAML config file, or raise ConfigError naming the problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror or exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML{_yaml_where(exc)}") from None
    try:
        return Config.from_mapping(data)
    except ConfigError as exc:  # every message starts with the file, whoever prints it
        raise ConfigError(f"{path}: {exc}") from None


def _yaml_where(exc: yaml.YAMLError) -> str:
    """` at line L, column C: problem` on one line (PyYAML's own text spans several)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"{where}: {problem}"


def _format_errors(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{_format_loc(error['loc'])}: {message}")
    return "\n".join(lines)


def _format_loc(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("["):  # pydantic's "[key]" marker for a bad dict key
            path += part
        else:
            path += f".{part}" if path else part
    return path or "config"


def _people_with_roles(config: Config) -> Iterator[tuple[str, Person, Role]]:
    for squadron in config.squadrons:
        yield squadron.leader.userid, squadron.leader, ("leader", squadron.code)
        yield squadron.duty_officer.userid, squadron.duty_officer, ("duty_officer", squadron.code)
    for station in config.stations:
        for person in station.officers:
            yield person.userid, person, ("officer", station.code)


Problem = tuple[str, str]


def _check_references(config: Config) -> Iterator[Problem]:
    yield from _check_categories(config.categories)
    yield from _check_unique_codes(config)
    yield from _check_people(config)
    yield from _check_stations(config)
    yield from _check_communities(config)


def _check_categories(categories: dict[str, Category]) -> Iterator[Problem]:
    for code in categories:
        if code not in CATEGORY_CODES:
            yield f"categories.{code}", "unknown category code (see spec/taxonomy.yaml)"
    missing = [code for code in CATEGORY_CODES if code not in categories]
    if missing:
        yield "categories", f"missing category codes: {', '.join(missing)}"


def _check_unique_codes(config: Config) -> Iterator[Problem]:
    for section in ("squadrons", "stations"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(config, section)):
            if item.code in seen:
                yield f"{section}[{i}].code", f"duplicate code {item.code!r}"
            seen.add(item.code)


def _check_people(config: Config) -> Iterator[Problem]:
    # One userid, one person and one role, so role_of() is never ambiguous.
    seen: set[str] = set()
    for path, person in _people_paths(config):
        if person.userid in seen:
            yield f"{path}.userid", f"duplicate userid {person.userid!r}"
        seen.add(person.userid)
    yield from _check_wechat_ids(config)


def _check_wechat_ids(config: Config) -> Iterator[Problem]:
    # One WeChat id, one officer: a command in a group must not act as two people.
    owners: dict[str, str] = {}
    for path, person in _people_paths(config):
        for k, wechat_id in enumerate(person.wechat_ids):
            if owners.setdefault(wechat_id, person.userid) != person.userid:
                owner = owners[wechat_id]
                yield f"{path}.wechat_ids[{k}]", f"{wechat_id!r} already belongs to {owner}"


def _people_paths(config: Config) -> Iterator[tuple[str, Person]]:
    for i, squadron in enumerate(config.squadrons):
        yield f"squadrons[{i}].leader", squadron.leader
        yield f"squadrons[{i}].duty_officer", squadron.duty_officer
    for i, station in enumerate(config.stations):
        for j, person in enumerate(station.officers):
            yield f"stations[{i}].officers[{j}]", person
    for section in ("bureau", "admin"):
        for i, person in enumerate(getattr(config, section)):
            yield f"{section}[{i}]", person


def _check_stations(config: Config) -> Iterator[Problem]:
    squadrons = {q.code for q in config.squadrons}
    for i, station in enumerate(config.stations):
        if station.squadron not in squadrons:
            yield f"stations[{i}].squadron", f"unknown squadron {station.squadron!r}"
        own = {p.userid for p in station.officers}
        for j, shift in enumerate(station.roster):
            for k, userid in enumerate(shift.officers):
                if userid not in own:
                    path = f"stations[{i}].roster[{j}].officers[{k}]"
                    yield path, f"{userid!r} is not an officer of station {station.code}"


def _check_communities(config: Config) -> Iterator[Problem]:
    stations = {s.code for s in config.stations}
    groups: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, community in enumerate(config.communities):
        if community.station not in stations:
            yield f"communities[{i}].station", f"unknown station {community.station!r}"
        for j, group in enumerate(community.groups):
            if groups.setdefault(group, i) != i:
                yield f"communities[{i}].groups[{j}]", f"duplicate group id {group!r}"
        yield from _check_names(community, i, names)


def _check_names(community: Community, i: int, names: dict[str, int]) -> Iterator[Problem]:
    labelled = [("name", community.name)]
    labelled += [(f"aliases[{j}]", alias) for j, alias in enumerate(community.aliases)]
    for field, name in labelled:
        owner = names.setdefault(name, i)
        if owner != i:
            yield f"communities[{i}].{field}", f"{name!r} already names communities[{owner}]"
