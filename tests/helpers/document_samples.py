"""Fixed, database-free inputs for every 公文 and form document (issue 19): a short sample and a long, hostile
one per kind. Plain namespaces with the attributes of the service views (ReportView, WarningView, …), fixed
times, made-up people — so a rendering is the same on every run (the reference PNGs depend on it).

Used by tests/reports/test_document_layout.py and scripts/refresh_reference_pages.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from dutyroom.domain.incident_facts import BEIJING

DISTRICT = "东城区"
T0 = dt.datetime(2026, 12, 4, 23, 52, tzinfo=BEIJING)
MIN = dt.timedelta(minutes=1)

DESCRIPTION = ("东四街道某小区3号楼6层一户居民家中起火，火势沿外窗向上蔓延，现场浓烟较大。区消防救援支队出动车辆12辆、"
               "指战员60名到场处置；公安、卫生健康、街道等单位已到场，疏散群众30余人，1名老人轻度吸入烟雾，已送医观察。")

# every closing mark at the start of a would-be line, whatever the offset: "城…城，" for 1..28 characters
CLOSING = "。，、；：？！）》」』】〕”’…—%"
_MARKS = "".join("城" * k + CLOSING[k % len(CLOSING)] for k in range(1, 29))
_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" * 3   # 156 letters without a break
_DIGITS = "31415926535897932384626433832795028841971693993751058209749445923078164062862089986280348"


def hostile(n: int = 2000, seed: str = "") -> str:
    """About ``n`` characters: prose, dates, a 156-letter Latin run, a 90-digit run, closing marks at every
    offset of a line."""
    parts = [seed, DESCRIPTION, f"2026年12月5日0时22分接报，12月5日1时05分续报。{_LATIN}。", f"编号{_DIGITS}。", _MARKS]
    text = "".join(parts)
    while len(text) < n:
        text += DESCRIPTION + _MARKS[: n - len(text)]
    return text[:n]


def incident(*, long: bool = False, grade: str = "large") -> SimpleNamespace:
    return SimpleNamespace(id=7, title="东四街道某小区居民楼火灾" + ("（" + hostile(300) + "）" if long else ""),
                           created_by_name="周宁", grade_confirmed=grade, occurred_at=T0 - 10 * MIN, received_at=T0,
                           place="东四街道", address="某小区3号楼", event_type="火灾事故")


def report_body(kind: str = "verbal", *, long: bool = False) -> str:
    heading = {"verbal": "东城区突发事件信息首报", "followup": "东城区突发事件信息续报（第1次）",
               "final": "东城区突发事件信息终报"}[kind]
    lines = [heading, "事件：东四街道某小区居民楼火灾", "报：区委值班室、区政府值班室",
             "一、时间：2026年12月4日23:42发生，2026年12月4日23:52接报",
             "二、地点：东四街道某小区3号楼",
             "三、信息来源：群众报警（报告人王某，联系电话13800000000）",
             "四、事件性质：事故灾难，火灾事故；事件等级：较大（III级）",
             "五、危害程度：受伤1人",
             "六、发展趋势：火势已得到控制，正在清理余火",
             "七、已采取的措施：" + ("消防救援支队到场灭火，街道组织疏散群众" if not long else hostile(2000)),
             "简要情况：" + DESCRIPTION]
    if kind == "followup":
        lines += ["续报内容：", "  人员伤亡：受伤1人", "  处置进展：明火已于0时40分扑灭",
                  "与上次报告（2026年12月5日0时22分）相比的变化：", "  受伤人数：0 → 1"]
    if kind == "final":
        lines += ["处置结果：", "  人员伤亡：受伤1人", "  处置进展：处置已于2026年12月5日02:10结束",
                  "与上次报告（2026年12月5日0时22分）相比的变化：", "  处置状态：仍在处置 → 处置结束"]
    return "\n".join(lines)


def report(kind: str = "verbal", *, long: bool = False, reviewed: bool = False, sent: bool = True) -> SimpleNamespace:
    label = {"verbal": "首报", "followup": "续报（第1次）", "final": "终报"}[kind]
    at = T0 + 30 * MIN
    return SimpleNamespace(id=12, incident_id=7, kind=kind, sequence=1, label=label, status="sent" if sent else "prepared",
                           body=report_body(kind, long=long), recipients=("区委值班室", "区政府值班室"),
                           channel="fax" if sent else None, sent_at=at if sent else None,
                           sent_by_name="周宁" if sent else None, late_minutes=None,
                           reviewed_by_name="唐军" if reviewed else None,
                           reviewed_at=at - 5 * MIN if reviewed else None, created_at=T0 + 20 * MIN,
                           needs_review=True)


def _step(no, role, label, name=None, at=None, *, comment="同意发布。"):
    return SimpleNamespace(step_no=no, role=role, kind="sign_off", label=label, basis="3.2.3", approved=name is not None,
                           by_name=name, at=at, comment=comment if name else None, external_decider=None,
                           external_ref=None, external_decided_at=None)


def warning(*, long: bool = False, status: str = "issued", lifted: bool = False) -> SimpleNamespace:
    t = dt.datetime(2026, 7, 1, 6, 40, tzinfo=BEIJING)
    issued = status in ("issued", "lifted", "superseded", "lift_pending")
    cautions = ("预计7月1日8时至20时，我区将出现强降雨，注意防范积水、内涝和山洪。" if not long else hostile(2000, "预计强降雨。"))
    steps = (_step(1, "office_director", "区应急办履行审批程序", "唐军", t + 12 * MIN),
             _step(2, "committee_director", "区应急委主任审批", "韩宇" if issued else None,
                   t + 19 * MIN if issued else None))
    return SimpleNamespace(
        id=3, status=status, title="东城区暴雨橙色预警", colour="orange", category="natural", event_type="暴雨",
        start_at=t + 60 * MIN, ends_at=t + 13 * 60 * MIN, expected_duration="约12小时",
        area="东城区全区，重点为东四、朝阳门、和平里等低洼地区", situation=None, cautions=cautions,
        measures_text="停止户外作业，转移低洼地区人员。" if not long else hostile(900, "停止户外作业。"),
        public_advice=None, hotline="010-12345", channels=("短信",) if issued else (),
        issued_at=t + 22 * MIN if issued else None, issued_by_name="韩宇" if issued else None,
        lifted_at=t + 9 * 60 * MIN if lifted else None, lifted_by_name="韩宇" if lifted else None,
        created_at=t, created_by_name="周宁", issuing_unit="北京市东城区应急管理局", steps=steps,
        superseded_by_id=None)


def history(*, lifted: bool = False) -> list[SimpleNamespace]:
    t = dt.datetime(2026, 7, 1, 6, 52, tzinfo=BEIJING)

    def row(phase, no, who, decision, at, comment="同意发布。"):
        return SimpleNamespace(phase=phase, step_no=no, decision=decision, comment=comment, user_name=who,
                               decided_at=at, external_decider=None, external_ref=None, voided=False,
                               voided_reason=None)
    rows = [row("issue", 1, "唐军", "approved", t), row("issue", 2, "韩宇", "approved", t + 7 * MIN)]
    if lifted:
        rows.append(row("lift", 0, "周宁", "requested", t + 9 * 60 * MIN, "降雨已结束"))
    return rows


def response(*, long: bool = False):
    since = T0 + 40 * MIN
    inc = incident(long=False)
    current = SimpleNamespace(incident_id=7, level_name="四级", since=since, body="区应急委" + (hostile(2000) if long else ""),
                              commander_name="谢文", executive_commander_name="冯青")
    steps = [SimpleNamespace(at=since, action="activate", level_name="四级", recorded_by_name="周宁")]
    return inc, current, steps


def handover_text(*, long: bool = False) -> str:
    lines = ["东城区应急值班交接班单", "", "交班单编号：1", "生成时间：2026-12-05 04:57",
             "本班：全天班 2026-12-04 08:30 至 2026-12-05 08:30；值班员 周宁；带班领导 唐军", "",
             "一、在办事件（1 起）", "1. 东四街道某小区居民楼火灾（较大（III级），东四街道，2026-12-04 23:52接报）无待报事项",
             "", "二、生效预警（0 条）", "", "三、待审批事项（0 条）", "", "四、未落实的领导批示（0 条）", "",
             "五、交班备注", hostile(2000) if long else "空调故障已报修，明日9时维修", "",
             "交班人：周宁  签名时间：2026-12-05 04:57", "接班人：冯青  签名时间：2026-12-05 08:31",
             "校验码：4242ae1e46f8cf18"]
    return "\n".join(lines)


KINDS = ("report_first", "report_followup", "report_final", "review_slip", "warning_release", "warning_approval",
         "response_notice", "handover")
# Kinds with a committed reference image: the 公文/forms and the statistics report (its own layout).
REFERENCE_KINDS = (*KINDS, "statistics")


def render(kind: str, path: Path, *, long: bool = False) -> None:
    """Render one document kind (short or long sample) to ``path``."""
    from dutyroom.reports import documents as d

    if kind.startswith("report_"):
        k = {"report_first": "verbal", "report_followup": "followup", "report_final": "final"}[kind]
        d.incident_report_pdf(path, incident(), report(k, long=long), district=DISTRICT)
    elif kind == "review_slip":
        d.leader_review_slip_pdf(path, incident(long=long), report("verbal", long=long), district=DISTRICT)
    elif kind == "warning_release":
        d.warning_release_pdf(path, warning(long=long), district=DISTRICT)
    elif kind == "warning_approval":
        d.warning_approval_pdf(path, warning(long=long), history(), district=DISTRICT)
    elif kind == "response_notice":
        inc, current, steps = response(long=long)
        d.response_notice_pdf(path, inc, current, steps, district=DISTRICT)
    elif kind == "handover":
        d.handover_pdf(path, handover_text(long=long), district=DISTRICT)
    elif kind == "statistics":
        from dutyroom.reports.statistics_report import statistics_pdf
        from tests.helpers.statistics import sample_statistics

        statistics_pdf(path, sample_statistics(), district=DISTRICT)
    else:
        raise ValueError(kind)


def source_texts(kind: str, *, long: bool = False) -> list[str]:
    """Texts of the sample that must come out whole (times in the printed style)."""
    from dutyroom.reports.documents import cn_times

    if kind.startswith("report_"):
        k = {"report_first": "verbal", "report_followup": "followup", "report_final": "final"}[kind]
        return [cn_times(x).strip() for x in report(k, long=long).body.splitlines()[3:] if x.strip()]
    if kind == "review_slip":
        return [cn_times(x).strip() for x in report("verbal", long=long).body.splitlines()[3:] if x.strip()]
    if kind in ("warning_release", "warning_approval"):
        w = warning(long=long)
        return [w.cautions, w.measures_text]
    if kind == "response_notice":
        return ["区应急委" + (hostile(2000) if long else "")]
    return [cn_times(x).strip() for x in handover_text(long=long).splitlines()[1:] if x.strip()]
