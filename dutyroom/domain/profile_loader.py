"""Load and validate rule profiles; bad data fails with the file and the field named."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import ValidationError

from ..config import resource_root
from .clock import BEIJING
from .district_template import district_sections
from .profile_schema import Profile

PROFILE_DIR = resource_root() / "resources" / "profiles"
_INHERITABLE = ("reporting", "warnings", "response", "lead_departments", "plan_catalogue")


class ProfileError(ValueError):
    """A profile file that cannot be used. The message names the file and the field."""

    def __init__(self, file: Path | str, field: str, problem: str):
        self.file = str(file)
        self.field = field
        self.problem = problem
        super().__init__(f"规则配置文件 {Path(file).name}：字段 {field}：{problem}")


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def _read_yaml(path: Path) -> dict:
    try:
        # libyaml's parser when installed (5-10x faster: every start reads a profile), else the pure-Python one
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise ProfileError(path, "(file)", "文件不存在") from None
    except yaml.YAMLError as exc:
        raise ProfileError(path, "(syntax)", f"YAML 语法错误：{exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(path, "(root)", "顶层必须是映射（key: value）")
    return data


def _inherit(raw: dict, path: Path, directory: Path) -> dict:
    """Copy the sections a profile declares it takes from another profile (one level only)."""
    inherits = raw.get("inherits") or {}
    if not isinstance(inherits, dict):
        raise ProfileError(path, "inherits", "必须是映射 section: profile_key")
    parents: dict[str, dict] = {}
    for section, parent_key in inherits.items():
        if section not in _INHERITABLE:
            raise ProfileError(path, f"inherits.{section}", f"不可继承的部分；可选：{', '.join(_INHERITABLE)}")
        if section in raw:
            raise ProfileError(path, section, f"已声明从 {parent_key} 继承，不能同时在本文件中给出")
        parent_path = directory / f"{parent_key}.yaml"
        if parent_key not in parents:
            parent = _read_yaml(parent_path)
            if parent.get("inherits"):
                raise ProfileError(path, f"inherits.{section}", f"{parent_key} 本身也有继承，只允许一层")
            parents[parent_key] = parent
        if section not in parents[parent_key]:
            raise ProfileError(parent_path, section, "缺少此部分，无法被继承")
        prefix = f"{parents[parent_key].get('name', parent_key)}预案 "
        raw = {**raw, section: _prefix_basis(parents[parent_key][section], prefix)}
    return raw


def _under(raw: dict, path: Path, directory: Path) -> dict:
    """A district under the municipal plan (`under: beijing`): the sections it does not give are built from the
    municipal profile by the district template (domain/district_template.py)."""
    city_key = raw.get("under")
    if not city_key:
        return raw
    if raw.get("inherits"):
        raise ProfileError(path, "under", "“under” 与 “inherits” 不能同时使用")
    city = _read_yaml(directory / f"{city_key}.yaml")
    if city.get("level") != "city" or city.get("under") or city.get("inherits"):
        raise ProfileError(path, "under", f"{city_key} 不是可作上位预案的市级配置")
    return district_sections(city, raw)


def _prefix_basis(node, prefix: str):
    """Inherited clauses say whose plan they are from ("北京市预案 4.1.5"), not just "4.1.5"."""
    if isinstance(node, dict):
        return {k: (prefix + v if k == "basis" and isinstance(v, str) else _prefix_basis(v, prefix))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_prefix_basis(v, prefix) for v in node]
    return node


def load_profile_file(path: Path, directory: Path | None = None) -> Profile:
    path = Path(path)
    raw = _read_yaml(path)
    raw = _under(raw, path, directory or path.parent)
    raw = _inherit(raw, path, directory or path.parent)
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f"（另有 {len(exc.errors()) - 1} 处错误）" if len(exc.errors()) > 1 else ""
        raise ProfileError(path, _field_path(err["loc"]), f"{err['msg']}{more}") from None
    if profile.key != path.stem.split("@")[0]:
        raise ProfileError(path, "key", f"与文件名不一致：{profile.key} ≠ {path.stem}")
    return profile


@cache
def _load_cached(key: str, directory: str) -> Profile:
    return load_profile_file(Path(directory) / f"{key}.yaml", Path(directory))


PROFILE_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")  # a name, never a path (issue 17: a stored "../../x" loaded x)


def is_profile_key(key: object, directory: Path | None = None) -> bool:
    """Is `key` the name of a shipped profile (a plain name from the list, not a path)?"""
    return isinstance(key, str) and PROFILE_KEY.fullmatch(key) is not None \
        and key in available_profiles(directory)


def load_profile(key: str, directory: Path | None = None) -> Profile:
    directory = Path(directory or PROFILE_DIR)
    if not is_profile_key(key, directory):
        known = ", ".join(available_profiles(directory))
        shown = repr(key)[:60] if isinstance(key, str) else type(key).__name__
        raise ProfileError(directory / "(?)", "(file)", f"没有名为 {shown} 的规则配置；可用：{known}")
    return _load_cached(key, str(directory))


def available_profiles(directory: Path | None = None) -> list[str]:
    directory = Path(directory or PROFILE_DIR)
    return sorted(p.stem for p in directory.glob("*.yaml") if "@" not in p.stem)


@cache
def _versions(key: str, directory: str) -> dict[str, Profile]:
    """Every version of a profile by version string: the current file and the `<key>@<version>.yaml` beside it."""
    current = load_profile(key, Path(directory))
    out = {current.version: current}
    for old in sorted(Path(directory).glob(f"{key}@*.yaml")):
        p = load_profile_file(old, Path(directory))
        out.setdefault(p.version, p)
    return out


def profile_in_force(key: str, on: dt.date, directory: Path | None = None) -> Profile:
    """The profile version in force on a date (an incident is judged by the rules of its day).

    Older versions live beside the current one as `<key>@<version>.yaml`; the newest whose
    effective_from is on or before `on` wins (the current file where two share a date). Before the first version,
    the first version applies.
    """
    everything = _versions(key, str(directory or PROFILE_DIR))
    current = next(iter(everything.values()))
    # A corrected transcription of the same plan keeps the plan's date: on a tie the current file wins, the older
    # file stays reachable only for records stored under its version (Pinggu 2022 → 2022.2, issue 20).
    versions = sorted(everything.values(), key=lambda p: (p.effective_from, p is current))
    chosen = versions[0]
    for p in versions:
        if p.effective_from <= on:
            chosen = p
    return chosen


class RulesRecord(Protocol):
    """A stored incident or warning (an ORM row, or a column row with the same names)."""

    profile_key: str
    profile_version: str | None


def rules_version_of(record: RulesRecord, directory: Path | None = None) -> Profile:
    """The one answer to "which rules govern this record" (incidents, their reports and responses, warnings):
    the profile version stored on it when that version is still on disk, else the version in force on its
    date, Beijing time: an incident's receipt (`received_at`), a warning's drafting (`created_at`).
    A revised plan never rewrites what was decided under the old one (docs/ARCHITECTURE.md section 1)."""
    found = _versions(record.profile_key, str(directory or PROFILE_DIR)).get(record.profile_version or "")
    if found is not None:
        return found
    on = getattr(record, "received_at", None) or record.created_at
    return profile_in_force(record.profile_key, on.astimezone(BEIJING).date(), directory)
