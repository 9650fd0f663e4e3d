"""A district with no general plan of its own, modelled as *a district under the municipal plan* (issue 20 item 5).

A district profile file says `under: beijing` and gives only what is its own (name, places, plan management…).
The loader then builds the rest from the municipal profile through `district_sections`:

- **Reporting** — the municipal clocks that bind 事发地的区 (4.1.4 立即 / 2 小时, 4.1.5 30 分钟 and 每30分钟续报: they
  name 事发地的区 among the reporters) stay as they are. The city route is the district's, not the city's: a district
  reports to 市委总值班室 and 市应急办 (4.1.4, L607), while 4.1.7's 党中央/国务院 is the 市委办公厅/市政府办公厅's duty.
  4.1.6's notice to 市台办/市政府外办 is the 市应急办's own: the district reports to 市应急办 (待本区预案确认).
  4.7.1's five-hour release falls on the 区政府.
- **Warnings** — the district issues its own local warnings and files them with 市应急办 and the city departments
  concerned (3.2.3(2), L537); after a municipal warning it may adjust its local level, filed with 市应急办 and the
  市相关专项指挥部办公室、市相关部门 (3.2.6, L583). Who approves within the district is left to the district: the
  template assumes the municipal chain's district counterparts (分管市领导 → 分管区领导 …), 待本区预案确认.
- **Response** — the municipal four levels as written: 四级 is started by 事发地的区委、区政府 (4.3.2, L647). The
  municipal 紧急状态 step (4.3.6: 以市政府名义提请国务院) is the city's, so the district has none until its plan says.
- **Public information** — 4.7.1's five-hour brief release is owed by the 区政府; the 24-hour news release centre is the
  市政府新闻办's and is not on the district's clock.
- **Lead units** — the municipal plan names the district counterpart of its lead units only as 区级处置主责部门
  (4.3.2, L651): each 市X becomes 区X, 待本区预案确认.
- **Plan catalogue** and, where the file gives none, **plan management** — the municipal ones.

Every clause taken from the municipal plan is cited as "北京市预案 …". `pending` lists what the district's own plan
must settle; rules output and the rules page show each as 待本区预案确认 until an administrator records the district's
answer (services.rules_service). `write_district_profile` writes such a file for any district name: the first-run
setup's template.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

PENDING_MARK = "待本区预案确认"
MUNICIPAL = "beijing"
_COUNTERPARTS = (("分管市领导", "分管区领导"), ("市应急委主任", "区应急委主任"), ("市应急委", "区应急委"),
                 ("市应急办", "区应急办"), ("市相关专项指挥部办公室", "区相关专项指挥部办公室"),
                 ("市相关部门", "区相关部门"), ("市领导", "区领导"))
_CITY_ROLE_TITLES = {"committee_director": "区应急委主任（区长）", "leader_in_charge": "分管区领导",
                     "office_director": "区应急办", "department": "区相关专项指挥部办公室、区相关部门"}


def counterpart(text: str) -> str:
    """The district's counterpart of a municipal body in a label ("分管市领导批准" → "分管区领导批准")."""
    for city, district in _COUNTERPARTS:
        text = text.replace(city, district)
    return text


def district_unit(unit: str) -> str:
    """The district counterpart of a municipal lead unit (市水务局 → 区水务局); others unchanged (市委X → 区委X)."""
    return "区" + unit[1:] if unit.startswith("市") else unit


def _prefixed(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {k: (prefix + v if k == "basis" and isinstance(v, str) and not v.startswith(prefix)
                    else _prefixed(v, prefix)) for k, v in node.items()}
    if isinstance(node, list):
        return [_prefixed(v, prefix) for v in node]
    return node


def _reporting(city: dict, prefix: str) -> dict:
    out = copy.deepcopy(city["reporting"])
    clocks = []
    for c in out["clocks"]:
        if c["id"] == "P-press-24h":  # 4.7.1: 市政府新闻办's news release centre, a city duty
            continue
        if c["id"] == "R5-foreign":  # 4.1.6: the 市应急办 notifies 市台办/市政府外办; the district reports to it
            c = {**c, "to": ["市应急办"], "cc": [], "wording": "同时报告市应急办（由市应急办通报市台办、市政府外办）",
                 "note": "市总体预案4.1.6是市应急办的职责；区向市应急办报告，由其同时通报市台办、市政府外办。"
                         f"区内通报对象{PENDING_MARK}。"}
        if c["id"] == "P-brief-5h":  # 4.7.1: 相关区政府
            c = {**c, "by": ["区政府"]}
        clocks.append(c)
    out["clocks"] = clocks
    first = next(c for c in city["reporting"]["clocks"] if c["id"] == "R1-verbal")
    out["city"] = {"trigger": first["trigger"], "to": list(first["to"]), "leader_review": False,
                   "basis": "4.1.4", "source_line": "L607",
                   "note": "事发地的区要立即报告市委总值班室和市应急办（4.1.4）；向党中央、国务院报告是市委办公厅、"
                           f"市政府办公厅的职责（4.1.7），不是区的。报市前是否须区领导审核：{PENDING_MARK}。"}
    return _prefixed(out, prefix)


def _colour(policy: dict) -> dict:
    p = copy.deepcopy(policy)
    for key in ("proposer_label", "issuer_label"):
        if p.get(key):
            p[key] = counterpart(p[key])
    p["steps"] = [{**s, "label": counterpart(s["label"])} for s in p.get("steps", [])]
    p["filed_with"] = ["市应急办", "市有关部门"]  # 3.2.3(2) L537
    p["note"] = (f"区级审批链为市级链条的区级对口（{PENDING_MARK}）；发布后同时报市应急办及市有关部门备案"
                 "（北京市预案 3.2.3(2)，L537）。")
    return p


def _warnings(city: dict, prefix: str) -> dict:
    w = copy.deepcopy(city["warnings"])
    w["levels"] = {colour: _colour(p) for colour, p in w["levels"].items()}
    adjust = w["adjust"]
    w["adjust"] = {**adjust, "by_label": counterpart(adjust["by_label"]),
                   "steps": [{**s, "label": counterpart(s["label"])} for s in adjust.get("steps", [])],
                   "filed_with": ["市应急办", "市相关专项指挥部办公室、市相关部门"]}  # 3.2.6 L583
    w["other_areas"] = []  # 3.2.3(3) binds the 市相关部门; the district's own duty is left to its plan
    w["note"] = ("本区发布本地区预警信息，同时报市应急办及市有关部门备案（3.2.3(2)，L537）；市级预警发布后本区可调整本地区"
                 "预警级别，报市应急办和市相关专项指挥部办公室、市相关部门备案（3.2.6，L583）。区内审批链、调整审批、"
                 f"影响区外的预警通报：{PENDING_MARK}。")
    return _prefixed(w, prefix)


def _lead_rows(city: dict, prefix: str) -> list[dict]:
    rows = []
    for r in city["lead_departments"]:
        rows.append({**r, "lead_units": [district_unit(u) for u in r["lead_units"]],
                     "note": f"市级主责：{'、'.join(r['lead_units'])}；区级处置主责部门（4.3.2 L651）{PENDING_MARK}"})
    return _prefixed(rows, prefix)


def pending_items() -> list[dict]:
    """What the municipal plan leaves to the district, with what the template assumes meanwhile."""
    return [
        {"id": "reporting.city_review", "what": "区向市委总值班室、市应急办报告前是否须区领导审核",
         "assumed": "不审核（市总体预案4.1.4未规定）", "basis": "北京市预案 4.1.4"},
        {"id": "reporting.foreign", "what": "涉外、涉港澳台事件区内通报对象",
         "assumed": "报告市应急办，由其通报市台办、市政府外办", "basis": "北京市预案 4.1.6"},
        {"id": "warnings.chain", "what": "区级预警由谁发布、由谁批准",
         "assumed": "市级链条的区级对口：蓝黄由区相关部门发布，橙色分管区领导批准，红色区应急委主任批准",
         "basis": "北京市预案 3.2.3(2)"},
        {"id": "warnings.adjust", "what": "区级预警级别调整由谁批准", "assumed": "区应急办报请区应急委领导批准",
         "basis": "北京市预案 3.2.6"},
        {"id": "warnings.other_areas", "what": "可能影响本区以外地区的橙色、红色预警向谁通报",
         "assumed": "未设", "basis": "北京市预案 3.2.3(3)"},
        {"id": "lead_departments", "what": "各类事件的区级处置主责部门",
         "assumed": "市级主责部门的区级对口（市X → 区X）", "basis": "北京市预案 4.3.2"},
        {"id": "response.steps", "what": "本区扩大响应、紧急状态的请示程序及须登记的响应步骤",
         "assumed": "未设（市总体预案4.3.6为市政府提请国务院）", "basis": "北京市预案 4.3.6"},
    ]


def district_sections(city: dict, district: dict) -> dict:
    """The district's raw profile: its own keys, the rest built from the municipal raw profile (`city`)."""
    prefix = f"{city.get('name', MUNICIPAL)}预案 "
    built: dict[str, Any] = {
        "role_titles": _CITY_ROLE_TITLES,
        "grading": list(city.get("grading", [])),
        "reporting": _reporting(city, prefix),
        "warnings": _warnings(city, prefix),
        # 4.3.6's 紧急状态 request (以市政府名义提请国务院) is the city's; the district's own is left to its plan
        "response": _prefixed({**copy.deepcopy(city["response"]), "steps": []}, prefix),
        "lead_departments": _lead_rows(city, prefix),
        "plan_catalogue": _prefixed(copy.deepcopy(city.get("plan_catalogue", [])), prefix),
        "plan_management": _prefixed(copy.deepcopy(city["plan_management"]), prefix),
    }
    own_pending = list(district.get("pending") or [])
    out = {**built, **{k: v for k, v in district.items() if k != "pending"}}
    extra = [] if "plan_management" in district else [
        {"id": "plan_management", "what": "本区预案的备案、公开期限和演练、评估周期",
         "assumed": "按市总体预案7.1、7.2（各区每年组织综合演练，7.2.2）", "basis": "北京市预案 7.1、7.2"}]
    out["pending"] = [*pending_items(), *extra, *own_pending]
    return out


def district_file(key: str, name: str, *, places: list[str] | tuple[str, ...] = (),
                  effective_from: dt.date | None = None) -> dict:
    """The small file a first-run setup writes for a district with no plan of its own among the sources."""
    day = effective_from or dt.date(2021, 7, 9)  # the municipal plan's date (8.2.3 自印发之日起施行)
    return {"key": key, "name": name, "level": "district", "version": day.isoformat(), "effective_from": day,
            "under": MUNICIPAL,
            "source": {"title": f"{name}（本区总体应急预案未录入，按北京市突发事件总体应急预案（2021年修订）建模）",
                       "seed": "beijing_municipal_2021_general_plan.txt"},
            "places": list(places)}


def write_district_profile(directory: Path, key: str, name: str, *, places: list[str] | tuple[str, ...] = (),
                           effective_from: dt.date | None = None) -> Path:
    """Write `<key>.yaml` for a district under the municipal plan (refuses to overwrite a profile)."""
    path = Path(directory) / f"{key}.yaml"
    if path.exists():
        raise FileExistsError(path)
    data = district_file(key, name, places=places, effective_from=effective_from)
    header = f"# {name}：区级规则配置，按“市总体预案下的区”模板生成（dutyroom.domain.district_template）。\n"
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
