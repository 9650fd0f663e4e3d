"""The text of a report (首报 / 续报 / 终报), pre-filled from the incident.

Municipal plan 4.1.8 (and each district's copy of it): a report contains 时间、地点、信息来源、事件性质、
危害程度、发展趋势、已采取的措施. The items are taken from the profile's `required_content` in the plan's
own words and order; follow-ups add the profile's `followup_content` (4.1.5: 人员伤亡、处置进展、发展趋势)
and what changed since the previous report. The officer edits the text before sending; nothing here
is sent by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .clock import BEIJING
from .intake import PLACE_OTHER, SOURCES
from .vocabulary import CATEGORY_LABELS, FLAG_LABELS, GRADE_LABELS, Category, Flag, Grade

NUMERALS = "一二三四五六七八九十"
TO_BE_VERIFIED = "待核实"


@dataclass(frozen=True)
class ReportFacts:
    """What a report says about the incident (also the snapshot kept with each sent report)."""

    district: str
    title: str
    occurred_at: dt.datetime | None
    received_at: dt.datetime | None
    place: str | None
    address: str | None
    source: str | None
    caller_name: str | None
    callback_phone: str | None
    category: str | None
    event_type: str | None
    grade: str
    deaths: int
    injured: int
    seriously_injured: int
    missing: int
    trapped: int
    economic_loss_cny: float
    flags: tuple[str, ...]
    ongoing: bool
    handling_ended_at: dt.datetime | None
    description: str | None
    measures_taken: str | None
    trend: str | None

    def snapshot(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("occurred_at", "received_at", "handling_ended_at"):
            out[key] = out[key].isoformat() if out[key] else None
        out["flags"] = list(self.flags)
        return out


def when(t: dt.datetime | str | None) -> str:
    if t is None:
        return TO_BE_VERIFIED
    if isinstance(t, str):
        t = dt.datetime.fromisoformat(t)
    b = t.astimezone(BEIJING)
    return f"{b.year}年{b.month}月{b.day}日{b:%H:%M}"


def _where(f: ReportFacts) -> str:
    place = "" if f.place in (None, PLACE_OTHER) else f.place
    return "".join(x for x in (place, f.address or "") if x) or TO_BE_VERIFIED


def _source(f: ReportFacts) -> str:
    text = SOURCES[f.source][0] if f.source in SOURCES else TO_BE_VERIFIED
    who = "，".join(x for x in (f"报告人{f.caller_name}" if f.caller_name else "",
                                f"联系电话{f.callback_phone}" if f.callback_phone else "") if x)
    return f"{text}（{who}）" if who else text


def grade_text(grade: str | None) -> str:
    try:
        return GRADE_LABELS[Grade(grade or "unknown")][0]
    except ValueError:
        return str(grade)


def _nature(f: ReportFacts) -> str:
    category = CATEGORY_LABELS[Category(f.category)][0] if f.category else TO_BE_VERIFIED
    text = f"{category}，{f.event_type or TO_BE_VERIFIED}；事件等级：{grade_text(f.grade)}"
    flags = [FLAG_LABELS[Flag(x)][0] for x in f.flags]
    return text + (f"；{'、'.join(flags)}" if flags else "")


def casualties(f: ReportFacts | Mapping[str, Any]) -> str:
    g = f.get if isinstance(f, Mapping) else lambda k: getattr(f, k)
    parts = [f"死亡{g('deaths')}人" if g("deaths") else "",
             f"受伤{g('injured')}人" + (f"（其中重伤{g('seriously_injured')}人）" if g("seriously_injured") else "")
             if g("injured") else "",
             f"失踪{g('missing')}人" if g("missing") else "",
             f"被困{g('trapped')}人" if g("trapped") else ""]
    parts = [p for p in parts if p]
    return "，".join(parts) if parts else "暂无人员伤亡报告"


def money(cny: float) -> str:
    if cny >= 10_000:
        return f"{cny / 10_000:,.2f}".rstrip("0").rstrip(".") + "万元"
    return f"{cny:,.0f}元"


def _harm(f: ReportFacts) -> str:
    loss = f"；直接经济损失约{money(f.economic_loss_cny)}" if f.economic_loss_cny else ""
    return casualties(f) + loss


def _progress(f: ReportFacts, progress: Sequence[str]) -> str:
    lines = list(progress) or ([f.measures_taken] if f.measures_taken else [])
    if f.handling_ended_at:
        lines.append(f"处置已于{when(f.handling_ended_at)}结束")
    return "；".join(lines) if lines else TO_BE_VERIFIED


def item_value(item: str, f: ReportFacts, progress: Sequence[str] = ()) -> str:
    """The value of one content item named in the plan's words (时间, 事件的性质, 事件处置进展情况 …)."""
    if "伤亡" in item:
        return casualties(f)
    if "进展" in item:
        return _progress(f, progress)
    if "时间" in item:
        return f"{when(f.occurred_at)}发生，{when(f.received_at)}接报"
    if "地点" in item:
        return _where(f)
    if "来源" in item:
        return _source(f)
    if "性质" in item:
        return _nature(f)
    if "危害" in item:
        return _harm(f)
    if "趋势" in item:
        return f.trend or TO_BE_VERIFIED
    if "措施" in item:
        return f.measures_taken or TO_BE_VERIFIED
    return TO_BE_VERIFIED


_COMPARED = (
    ("grade", "事件等级", grade_text), ("deaths", "死亡人数", str), ("injured", "受伤人数", str),
    ("seriously_injured", "重伤人数", str), ("missing", "失踪人数", str), ("trapped", "被困人数", str),
    ("economic_loss_cny", "直接经济损失", money), ("event_type", "事件类型", str), ("place", "地点", str),
    ("address", "详细地址", str), ("flags", "标记", lambda v: "、".join(FLAG_LABELS[Flag(x)][0] for x in v) or "无"),
    ("ongoing", "处置状态", lambda v: "仍在处置" if v else "处置结束"),
)
_TEXTS = (("description", "事件情况"), ("measures_taken", "已采取的措施"), ("trend", "发展趋势"))


def changes_since(previous: Mapping[str, Any], f: ReportFacts) -> list[str]:
    """What differs from the snapshot kept with the previous report, one line each."""
    now = f.snapshot()
    lines = []
    for key, label, show in _COMPARED:
        old, new = previous.get(key), now.get(key)
        if key == "flags":
            old, new = sorted(old or []), sorted(new or [])
        if old != new:
            lines.append(f"{label}：{show(old) if old not in (None, '') else '无'} → {show(new) if new not in (None, '') else '无'}")
    lines += [f"{label}有更新：{_gist(now.get(key))}" for key, label in _TEXTS
              if (previous.get(key) or "") != (now.get(key) or "")]
    return lines


def _gist(text: str | None, limit: int = 60) -> str:
    """The new wording of a changed narrative item, on one line; the full text is in the items above."""
    flat = " ".join((text or "").split())
    if not flat:
        return "（已删除）"
    return flat if len(flat) <= limit else flat[:limit] + "…"


def report_heading(kind: str, sequence: int, district: str, first: bool) -> str:
    if kind == "followup":
        return f"{district}突发事件信息续报（第{sequence}次）"
    if kind == "final":
        return f"{district}突发事件信息终报"
    if kind == "written":
        return f"{district}突发事件详细情况报告"
    if kind == "notice":
        return f"{district}突发事件情况通报"
    return f"{district}突发事件信息{'首报' if first else '报告'}"


def compose(kind: str, sequence: int, f: ReportFacts, *, required: Sequence[str], followup_items: Sequence[str] = (),
            first: bool = True, previous: Mapping[str, Any] | None = None, previous_sent_at: dt.datetime | None = None,
            progress: Sequence[str] = (), recipients: Sequence[str] = ()) -> str:
    """The report text: heading, the plan's content items numbered 一、二、…, then what follow-ups add."""
    lines = [report_heading(kind, sequence, f.district, first), f"事件：{f.title}"]
    if recipients:
        lines.append(f"报：{'、'.join(recipients)}")
    items = list(required)
    lines += [f"{NUMERALS[i] if i < len(NUMERALS) else i + 1}、{item}：{item_value(item, f, progress)}"
              for i, item in enumerate(items)]
    if f.description:
        lines.append(f"简要情况：{f.description}")
    if kind in ("followup", "final"):
        extra = list(followup_items) if kind == "followup" else ["人员伤亡", "处置进展"]
        lines.append("续报内容：" if kind == "followup" else "处置结果：")
        lines += [f"  {item}：{item_value(item, f, progress)}" for item in extra]
    if previous is not None and kind in ("followup", "final"):
        since = f"（{when(previous_sent_at)}）" if previous_sent_at else ""
        changed = changes_since(previous, f)
        lines.append(f"与上次报告{since}相比的变化：")
        lines += [f"  {line}" for line in changed] or ["  无变化"]
    return "\n".join(lines)
