"""Configuration: the sample config.yaml, lookups, and bad files reported by field path."""

import copy
from functools import lru_cache
from pathlib import Path

import pydantic
import pytest
import yaml

from domain.config import CATEGORY_CODES, Config, ConfigError, load_config
from domain.secrets import Secrets

SAMPLE = Path(__file__).resolve().parents[2] / "config.yaml"

# The communities of the labelled data sets (nlp/data/eval), with the aliases residents use.
EVAL_COMMUNITIES = [
    (c["name"], c["aliases"])
    for c in yaml.safe_load((SAMPLE.parent / "nlp/data/eval/communities.yaml").read_text("utf-8"))
]


@lru_cache(maxsize=1)
def _sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(SAMPLE)


@pytest.fixture
def data() -> dict:
    return copy.deepcopy(yaml.safe_load(_sample_text()))


def test_sample_has_district_shape(config):
    """The sample describes 8 squadrons, 44 stations and 289 communities."""
    assert (len(config.squadrons), len(config.stations), len(config.communities)) == (8, 44, 289)
    assert sorted(config.categories) == sorted(CATEGORY_CODES)


def test_every_station_has_two_officers_and_a_roster(config):
    """Each station has at least two officers and a weekly roster."""
    for station in config.stations:
        assert len(station.officers) >= 2, station.code
        assert station.roster, station.code


@pytest.mark.parametrize(("name", "aliases"), EVAL_COMMUNITIES)
def test_eval_communities_present_with_aliases(config, name, aliases):
    """Every community of the labelled data is configured with exactly its aliases."""
    community = config.community_named(name)
    assert community is not None and community.aliases == aliases
    for alias in aliases:
        assert config.community_named(alias) is community


def test_lookups(config):
    """Groups, names, stations, people and roles resolve through the indexes."""
    assert config.community_for_group("grp-longhu-youshanjun").name == "龙湖悠山郡"
    assert config.community_for_group("grp-unknown") is None
    assert config.station_of_community("悠山郡").name == "龙湖悠山郡工作站"
    assert any(s.name == "檀府工作站" for s in config.stations)
    assert config.officer("zhangqinli").name == "张勤利"
    assert config.role_of("zhangqinli") == ("officer", "ST01")
    assert config.role_of("zhaobingquan") == ("leader", "chengyang")
    assert config.role_of("cy_duty") == ("duty_officer", "chengyang")
    assert config.role_of("nobody") is None and config.officer("nobody") is None
    assert [p.userid for p in config.station("ST01").officers] == ["zhangqinli", "liuyang01"]
    assert config.squadron("liuting").leader.name == "苟君峰"
    assert str(config.tz) == "Asia/Shanghai"


def test_secrets_are_env_names(config):
    """The secrets section holds variable names; values come from the environment."""
    assert config.secrets.bridge_secret == "BRIDGE_SECRET"
    names = config.secrets.model_dump()
    assert Secrets(names, {"BRIDGE_SECRET": "s"}).get("bridge_secret") == "s"
    assert Secrets(names, {}).get("bridge_secret") is None


def test_config_is_frozen(config):
    """A loaded config cannot be changed."""
    with pytest.raises(pydantic.ValidationError):
        config.service.bot_name = "x"


def _set(path: str, value):
    def apply(d):
        *parents, last = path.split("/")
        target = d
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return apply


def _delete(path: str):
    def apply(d):
        *parents, last = path.split("/")
        target = d
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[last]

    return apply


def _copy_groups(d):
    d["communities"][7]["groups"] = list(d["communities"][0]["groups"])


def _unknown_category(d):
    d["categories"]["flying_saucer"] = dict(d["categories"]["other"])


BAD_CASES = [
    (_set("stations/3/officers/1/userid", "bad id!"), "stations[3].officers[1].userid: "),
    (_set("communities/5/station", "ST99"), "communities[5].station: unknown station 'ST99'"),
    (_copy_groups, "communities[7].groups[0]: duplicate group id"),
    (_unknown_category, "categories.flying_saucer: unknown category code"),
    (_delete("categories/other"), "categories: missing category codes: other"),
    (_delete("categories/fire_lane_blocked/zh"), "categories.fire_lane_blocked.zh: Field required"),
    (_set("categories/garbage/resolve_hours", 3), "categories.garbage: give exactly one"),
    (_set("categories/garbage/unit", "吨"), "categories.garbage.unit: "),
    (_set("stations/0/roster/0/start", "25:00"), "stations[0].roster[0].start: '25:00' is not"),
    (_set("stations/0/roster/0/end", 1050), "stations[0].roster[0].end: expected a quoted"),
    (_set("stations/0/roster/1/days/0", "funday"), "stations[0].roster[1].days[0]: "),
    (
        _set("stations/2/roster/0/officers/0", "zhangqinli"),
        "stations[2].roster[0].officers[0]: 'zhangqinli' is not an officer of station ST03",
    ),
    (_set("stations/1/squadron", "nowhere"), "stations[1].squadron: unknown squadron 'nowhere'"),
    (_set("stations/4/officers/0/userid", "zhangqinli"), "stations[4].officers[0].userid: dup"),
    (_set("squadrons/2/duty_officer/userid", "cy_duty"), "squadrons[2].duty_officer.userid: dup"),
    (_set("stations/5/code", "ST01"), "stations[5].code: duplicate code 'ST01'"),
    (_set("communities/10/aliases", ["悠山郡"]), "communities[10].aliases[0]: '悠山郡' already"),
    (_set("communities/11/name", "檀府"), "communities[11].name: '檀府' already"),
    (_set("communities/12/groups", []), "communities[12].groups: "),
    (_set("secrets/api_token", "s3cr3t-value"), "secrets.api_token: "),
    (_set("service/timezone", "Mars/Olympus"), "service.timezone: unknown time zone"),
    (_set("service/colour", "blue"), "service.colour: Extra inputs are not permitted"),
    (_set("nlp", [1, 2]), "nlp: "),
    (_set("categories/clutter/keywords/杂物", -1), "categories.clutter.keywords.杂物: "),
    (_delete("time_limits"), "time_limits: Field required"),
]


@pytest.mark.parametrize(("mutate", "expected"), BAD_CASES)
def test_bad_field_is_reported_by_path(data, mutate, expected):
    """A bad value is reported with the path of the field that holds it."""
    mutate(data)
    with pytest.raises(ConfigError) as err:
        Config.from_mapping(data)
    lines = str(err.value).splitlines()
    assert any(line.startswith(expected) for line in lines), lines


def test_one_officer_station_is_rejected(data):
    """A station with a single officer is refused (the bureau staffs at least two)."""
    data["stations"][5]["officers"] = data["stations"][5]["officers"][:1]
    with pytest.raises(ConfigError, match=r"^stations\[5\]\.officers: "):
        Config.from_mapping(data)


def test_several_errors_one_per_line(data):
    """Every problem is reported, each on its own line."""
    data["communities"][5]["station"] = "ST99"
    data["communities"][6]["station"] = "ST98"
    with pytest.raises(ConfigError) as err:
        Config.from_mapping(data)
    assert str(err.value).splitlines() == [
        "communities[5].station: unknown station 'ST99'",
        "communities[6].station: unknown station 'ST98'",
    ]


def test_missing_file(tmp_path):
    """A missing file is a ConfigError naming the file."""
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="nope.yaml: cannot read config file"):
        load_config(missing)


def test_yaml_syntax_error(tmp_path):
    """Broken YAML is a ConfigError, not a yaml exception."""
    path = tmp_path / "broken.yaml"
    path.write_text("service: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(path)


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just a string\n"])
def test_top_level_must_be_mapping(tmp_path, text):
    """An empty file or a non-mapping document is refused."""
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(path)


def test_bridge_wechat_id_maps_to_the_officer(config):
    """A WeChat id listed under wechat_ids resolves to the officer's userid; others do not."""
    assert config.staff_userid("wxid_zhangqinli") == "zhangqinli"
    assert config.staff_userid("zhangqinli") == "zhangqinli"
    assert config.staff_userid("wxid_someone") is None


def test_one_wechat_id_for_two_officers_is_refused(data):
    """The same WeChat id under two officers names the second one's path."""
    data["stations"][0]["officers"][1]["wechat_ids"] = ["wxid_zhangqinli"]
    with pytest.raises(ConfigError, match=r"stations\[0\]\.officers\[1\]\.wechat_ids\[0\]"):
        Config.from_mapping(data)
