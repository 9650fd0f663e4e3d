"""The official documents, each a function of plain service views (never ORM objects).

- ``incident_report_pdf``   突发事件信息报告 (首报/续报/终报), 公文 layout with the red 版头 (上行文: 发文字号
  left, 签发人 right — the reviewing leader where one reviewed), 主送 the report's recipients.
- ``leader_review_slip_pdf`` 领导审核单 of a report: who prepared, who reviewed, when, to whom.
- ``warning_release_pdf``   预警信息发布单: the warning's public text as issued.
- ``warning_approval_pdf``  预警信息发布审批单: every step with who signed, their comment and the time,
  every recorded decision (including rejected/returned/voided rounds) and the issue/lift times.
- ``response_notice_pdf``   应急响应启动通知, from the response history.
- Listings (duty log, handover, roster month, plan register, contacts): ``listing_pdf`` / ``listing_xlsx``
  take (columns, rows) from whatever the area's service returns; see pdf_table / xlsx.

Issuing organ and document numbers: the caller passes ``issuer`` (default "北京市<区>应急管理局") and
``number`` (the N of 〔year〕N号; default the report's or warning's id, so numbers are unique and stable).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..domain.errors import UserError
from ..domain.incident_facts import BEIJING
from ..domain.vocabulary import CATEGORY_LABELS, COLOUR_LABELS, GRADE_LABELS, ROLE_LABELS, Category, Colour, Grade
from . import fonts
from .gongwen import Gongwen, Para, Run, body, labelled, render
from .linebreak import break_ranges
from .pdf_common import (
    BLACK,
    BODY_W,
    CHAR_PITCH,
    LEFT_MARGIN,
    PAGE_H,
    PAGE_W,
    RED,
    SIZE_3,
    SIZE_4,
    SIZE_XIAO2,
    SIZE_XIAO4,
    TOP_MARGIN,
    cn_date,
    cn_datetime,
    draw_page_number,
    draw_text,
    is_wide,
    measure_for,
    open_target,
    text_width,
)
from .pdf_table import write_table_pdf
from .xlsx import XlsxColumn, XlsxSheet, write_workbook

NUMERAL_HEAD = tuple(f"{n}、" for n in "一二三四五六七八九十")
DECISIONS = {"approved": "同意", "rejected": "不同意", "returned": "退回修改", "requested": "申请"}
# every warning status in Chinese (domain/warning_state.Status); a form never prints the stored key
STATUS_ZH = {"draft": "草稿", "pending": "审批中", "approved": "已批准", "issued": "已发布", "adjusted": "已调整",
             "lifted": "已解除", "rejected": "未批准", "returned": "已退回", "withdrawn": "已撤回",
             "superseded": "已被调整替代", "lift_pending": "解除审批中", "lift_approved": "解除已批准"}


def cn_clock(t: dt.datetime | None) -> str:
    """2026年7月1日8时05分 (the way a 公文 body writes a moment)."""
    b = _local(t)
    return "" if b is None else f"{b.year}年{b.month}月{b.day}日{b.hour}时{b.minute:02d}分"


def issuer_for(district: str) -> str:
    """北京市东城区应急管理局; the city profile (北京市) gives 北京市应急管理局."""
    district = district or ""
    if district.startswith("北京"):
        return "北京市应急管理局"
    return f"北京市{district}应急管理局"


def short_issuer(district: str) -> str:
    """The 发文字号 prefix: 东应急 for 东城区, 京应急 for the city."""
    district = district or ""
    return "京应急" if not district or district.startswith("北京") else f"{district[0]}应急"


def _local(t: dt.datetime | None) -> dt.datetime | None:
    return None if t is None else (t.astimezone(BEIJING) if t.tzinfo else t)


def _label(table, key, default: str = "") -> str:
    try:
        return table[key][0]
    except (KeyError, ValueError):
        return default or str(key or "")


# ------------------------------------------------------------------ incident reports


def _body_paragraphs(text: str) -> list[Para]:
    """Report text lines → paragraphs: "一、时间：…" gets its label in 黑体; every other line (续报内容：, the
    indented items under it, 与上次报告相比的变化：) is body text in 仿宋, 2 characters in. Times are written
    one way (``cn_times``)."""
    paras = []
    for raw in cn_times(text).splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(NUMERAL_HEAD) and "：" in line:
            head, _, rest = line.partition("：")
            paras.append(labelled(head + "：", rest))
        else:
            paras.append(body(line))
    return paras


def incident_report_document(incident, report, *, district: str, issuer: str | None = None,
                             number: int | None = None, issuer_short: str | None = None) -> Gongwen:
    """A report goes up (区委/区政府值班室, the city): 上行文 after GB/T 9704 7.2.4 — 发文字号 left, 签发人 right, the
    reviewing leader's name, or room for a leader to sign by hand when nobody reviewed it in the app."""
    lines = [x for x in report.body.splitlines()]
    title = lines[0].strip() if lines and lines[0].strip() else f"{district}突发事件信息报告"
    rest = "\n".join(x for x in lines[1:] if not x.startswith("报："))
    when = _local(report.sent_at or report.reviewed_at or report.created_at)
    organ = issuer or issuer_for(district)
    year = when.year if when else dt.date.today().year
    paras = _body_paragraphs(rest)
    paras.append(body(f"报告人：{report.sent_by_name or incident.created_by_name}"
                      + (f"；报送方式：{_channel(report.channel)}" if report.channel else "")
                      + (f"；报送时间：{cn_clock(report.sent_at)}。" if report.sent_at else "（尚未报送）。")))
    if report.late_minutes:
        paras.append(body(f"说明：本次报告较规定时限迟报{report.late_minutes}分钟。"))
    return Gongwen(
        title=title, paragraphs=paras,
        issuer_mark=f"{organ}",
        doc_number=f"{issuer_short or short_issuer(district)}报〔{year}〕{number if number is not None else report.id}号",
        signer=report.reviewed_by_name or "",
        urgency="特急" if incident.grade_confirmed in ("especially_major", "major") else (
            "加急" if incident.grade_confirmed == "large" else None),
        addressee="、".join(report.recipients) if report.recipients else None,
        signature=organ, date=when.date() if when else None, sealed=True,
        remark=f"联系人：{report.sent_by_name or incident.created_by_name}" if report.sent_by_name else None,
        cc=None, printed_by=f"{organ}值班室", printed_on=when.date() if when else None)


def _channel(key: str | None) -> str:
    return {"phone": "电话", "fax": "传真", "system": "系统报送"}.get(key or "", key or "")


def incident_report_pdf(target: str | Path | BinaryIO, incident, report, *, district: str, issuer: str | None = None,
                        number: int | None = None, issuer_short: str | None = None) -> list[tuple[int, str]]:
    """突发事件信息报告 (首报/续报/终报) from IncidentView + ReportView."""
    return render(incident_report_document(incident, report, district=district, issuer=issuer, number=number,
                                           issuer_short=issuer_short), target)


# ------------------------------------------------------------------ forms (审批单, 审核单, 发布单)


@dataclass(frozen=True)
class FormRow:
    label: str
    value: str
    min_lines: int = 1
    # printed bottom-right in the value cell: pieces that are never broken inside ("签名：某某", "2026年7月1日8时05分"),
    # on one line when they fit, else one under the other
    sign: tuple[str, ...] | None = None


CONTINUED = "（续）"


class _Form:
    """A ruled two-column form on the 版心: labels in 黑体, values in 仿宋 4号, wrapping with 避头尾.

    A cell taller than what is left of the page is split: the part that fits is drawn, the rest continues on
    the next page under the label marked （续）. Nothing is drawn outside the 版心 (the page number stays below
    it), a label is never split from its first lines nor wrapped to leave one character alone."""

    LABEL_W = 38 * mm
    SIZE = SIZE_4
    PAD = 3.0
    SPLIT_MIN = 2          # a cell is split only with at least this many lines on each side of the break
    SPLIT_ROWS = 6         # … and only a cell of this many lines or more (a shorter one moves whole)

    def __init__(self, target, title: str, *, mark: str | None, number: str | None, subtitle: str | None = None,
                 size: float = SIZE_4):
        self.SIZE = size
        self.LEAD = size * 1.45
        self.stream, self.finish = open_target(target)
        self.c = Canvas(self.stream, pagesize=(PAGE_W, PAGE_H), pageCompression=1,
                        initialFontName=fonts.resolve("fangsong").name, initialFontSize=SIZE_3)
        self.c.setTitle(title)
        self.c.setCreator("dutyroom")
        self.f = {r: fonts.resolve(r) for r in fonts.ROLES}
        self.page = 1
        self.title, self.mark, self.number, self.subtitle = title, mark, number, subtitle
        self.pitch = CHAR_PITCH * self.SIZE / SIZE_3
        self.measure = measure_for(self.f["fangsong"].name, self.SIZE, self.pitch)
        self.top = PAGE_H - TOP_MARGIN
        self.bottom = PAGE_H - TOP_MARGIN - 225 * mm
        self.y = self.top
        self.texts: list[str] = []
        self._head()

    def _head(self) -> None:
        c, f = self.c, self.f
        y = self.top
        if self.mark:
            size = min(30.0, BODY_W * 0.9 / max(1, len(self.mark)))
            y -= size
            draw_text(c, LEFT_MARGIN + (BODY_W - text_width(self.mark, f["xiaobiaosong"], size)) / 2, y, self.mark,
                      f["xiaobiaosong"], size, color=RED, bold=True)
            y -= 10
            c.setStrokeColor(RED)
            c.setLineWidth(1)
            c.line(LEFT_MARGIN, y, LEFT_MARGIN + BODY_W, y)
            y -= 8
        y -= SIZE_XIAO2 * 1.4
        head = f["xiaobiaosong"]
        for a, b in break_ranges(self.title, BODY_W - 2 * SIZE_XIAO2, measure_for(head.name, SIZE_XIAO2), hang=False):
            line = self.title[a:b]
            draw_text(c, LEFT_MARGIN + (BODY_W - text_width(line, head, SIZE_XIAO2)) / 2, y, line, head, SIZE_XIAO2)
            self.texts.append(line)
            y -= SIZE_XIAO2 * 1.4
        if self.subtitle or self.number:
            y -= 2
            nw = self._advance_w(self.number or "")
            sub = self._wrap(self.subtitle or "", BODY_W, "kaiti")
            # the number right, the subtitle left; a subtitle too long to share the line goes above it
            if len(sub) == 1 and self._advance_w(sub[0], "kaiti") + nw + 2 * self.pitch <= BODY_W:
                together = sub
                sub = []
            else:
                together = []
            for line in sub:
                self._line(LEFT_MARGIN, y, line, "kaiti")
                self.texts.append(line)
                y -= self.SIZE * 1.4
            for line in together:
                self._line(LEFT_MARGIN, y, line, "kaiti")
                self.texts.append(line)
            if self.number:
                self._line(LEFT_MARGIN + BODY_W - nw, y, self.number)
                self.texts.append(self.number)
            if together or self.number:
                y -= self.SIZE * 0.9
        self.y = y

    def _wrap(self, text: str, width: float, role: str = "fangsong") -> list[str]:
        out = []
        measure = self.measure if role == "fangsong" else measure_for(self.f[role].name, self.SIZE, self.pitch)
        for para in (text or "").split("\n"):
            # no hanging punctuation in a ruled cell: it would cross the rule
            out += [para[a:b] for a, b in break_ranges(para, width, measure, hang=False)]
        return out

    def _label_lines(self, label: str) -> list[str]:
        """A label on as few lines as it needs, the characters shared evenly (区应急委/主任意见, never
        区应急委主任意/见)."""
        width = self.LABEL_W - 2 * self.PAD
        lines = self._wrap(label, width, "heiti")
        if len(lines) <= 1:
            return lines
        total = self._advance_w(label, "heiti")
        lo, hi = total / len(lines), width
        best = lines
        while hi - lo > 0.5:
            mid = (lo + hi) / 2
            trial = self._wrap(label, mid, "heiti")
            if len(trial) <= len(lines):
                best, hi = trial, mid
            else:
                lo = mid
        return best

    def _sign_lines(self, sign: tuple[str, ...] | None, width: float) -> list[str]:
        if not sign:
            return []
        gap = "　　"
        if self._advance_w(gap.join(sign)) <= width:
            return [gap.join(sign)]
        out: list[str] = []
        for piece in sign:
            out += self._wrap(piece, width)
        return out

    def _advance_w(self, text: str, role: str = "fangsong") -> float:
        return sum(self.pitch if is_wide(ch) else text_width(ch, self.f[role], self.SIZE) for ch in text)

    def _line(self, x: float, y: float, text: str, role: str = "fangsong") -> None:
        """One line with CJK on the grid pitch of the size (Latin and digits their own advance)."""
        i = 0
        while i < len(text):
            wide = is_wide(text[i])
            j = i
            while j < len(text) and is_wide(text[j]) == wide:
                j += 1
            seg = text[i:j]
            draw_text(self.c, x, y, seg, self.f[role], self.SIZE, char_space=(self.pitch - self.SIZE) if wide else 0,
                      bold=False)
            x += self._advance_w(seg, role)
            i = j

    def _baseline(self, top: float) -> float:
        return top - (self.LEAD - self.SIZE) / 2 - self.SIZE * 0.86

    def _cell(self, label_lines: list[str], lines: list[tuple[str, bool]], n: int) -> None:
        """Draw one ruled row of ``n`` lines at self.y: labels centred, value lines (text, right-aligned)."""
        c = self.c
        h = n * self.LEAD + 2 * self.PAD
        y0 = self.y
        c.setStrokeColor(BLACK)
        c.setLineWidth(0.75)
        c.rect(LEFT_MARGIN, y0 - h, BODY_W, h, stroke=1, fill=0)
        c.line(LEFT_MARGIN + self.LABEL_W, y0, LEFT_MARGIN + self.LABEL_W, y0 - h)
        top = y0 - (h - len(label_lines) * self.LEAD) / 2
        for line in label_lines:
            self._line(LEFT_MARGIN + (self.LABEL_W - self._advance_w(line, "heiti")) / 2, self._baseline(top), line,
                       "heiti")
            self.texts.append(line)
            top -= self.LEAD
        vx = LEFT_MARGIN + self.LABEL_W + self.PAD
        right = LEFT_MARGIN + BODY_W - self.PAD
        for k, (line, at_right) in enumerate(lines):
            row = n - (len(lines) - k) if at_right else k  # the signature lines sit at the bottom of the cell
            top = y0 - self.PAD - row * self.LEAD
            if line:
                self._line(right - self._advance_w(line) if at_right else vx, self._baseline(top), line)
                self.texts.append(line)
        self.y = y0 - h

    def row(self, r: FormRow) -> None:
        value_w = BODY_W - self.LABEL_W - 2 * self.PAD
        values = [(x, False) for x in self._wrap(r.value, value_w)]
        if values == [("", False)]:
            values = []
        signs = [(x, True) for x in self._sign_lines(r.sign, value_w)]
        label_lines = self._label_lines(r.label)
        total = max(r.min_lines, len(values) + len(signs), len(label_lines))
        first = True
        while True:
            room = int((self.y - self.bottom - 2 * self.PAD + 1e-6) // self.LEAD)
            fresh = self.y >= self.top - 1e-6
            labels = label_lines if first else self._label_lines(r.label + CONTINUED)
            need = max(len(values) + len(signs), len(labels), total if first else 1)
            if need <= room:
                self._cell(labels, values + signs, need)
                return
            # split a tall cell: the label whole with at least SPLIT_MIN lines here, two or more lines (and the
            # signature) continued on the next page
            take = min(room, len(values), len(values) + len(signs) - self.SPLIT_MIN)
            if room >= max(self.SPLIT_MIN, len(labels)) and take >= max(self.SPLIT_MIN, len(labels)) \
                    and (need >= self.SPLIT_ROWS or fresh):
                self._cell(labels, values[:take], room)
                values = values[take:]
                first = False
            elif fresh:  # cannot happen with a 225 mm 版心; never loop forever
                raise ValueError(f"form row {r.label!r} cannot be laid out")
            self.new_page()

    def note(self, text: str) -> None:
        self.y -= self.SIZE
        for line in self._wrap(text, BODY_W, "kaiti"):
            if self.y - self.LEAD < self.bottom:
                self.new_page()
            self.y -= self.LEAD
            draw_text(self.c, LEFT_MARGIN, self.y, line, self.f["kaiti"], self.SIZE - 2)
            self.texts.append(line)

    def new_page(self) -> None:
        draw_page_number(self.c, self.page)
        self.c.showPage()
        self.page += 1
        self.y = self.top

    def save(self) -> list[str]:
        draw_page_number(self.c, self.page)
        self.c.showPage()
        self.c.save()
        self.finish()
        return self.texts


def _signed(name: str | None, at: dt.datetime | None, who: str = "签名", when: str = "") -> tuple[str, ...] | None:
    """("签名：某某", "2026年7月1日8时05分") — the name after its own label, the time after its own (never a name
    under a time label); each piece is kept whole on a line."""
    if not name and not at:
        return None
    parts = []
    if name:
        parts.append(f"{who}：{name}")
    if at:
        parts.append(f"{when}：{cn_clock(at)}" if when else cn_clock(at))
    return tuple(parts)


BLANK_SIGN = ("签字：＿＿＿＿＿＿", "日期：＿＿＿＿年＿＿月＿＿日")


_ARROW = re.compile(r"^(\s*)([^：\n]{1,20})：(.+?) → (.+)$", re.M)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2})?)?")
_DAY_CLOCK = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日)\s*(\d{1,2}):(\d{2})(?![0-9:])")


def cn_times(text: str) -> str:
    """One date-time style in a printed document: "2026-12-05 23:52" and "2026年12月5日23:52" become
    "2026年12月5日23时52分" (the style of ``cn_clock``); a change "仍在处置 → 处置结束" is written as prose."""
    def iso(m: re.Match) -> str:
        y, mo, d, h, mi = m.groups()
        day = f"{int(y)}年{int(mo)}月{int(d)}日"
        return day if h is None else f"{day}{int(h)}时{mi}分"

    text = _ISO.sub(iso, text)
    text = _DAY_CLOCK.sub(lambda m: f"{m.group(1)}{int(m.group(2))}时{m.group(3)}分", text)
    return _ARROW.sub(lambda m: f"{m.group(1)}{m.group(2)}由“{m.group(3)}”变为“{m.group(4)}”", text)


def leader_review_slip_pdf(target, incident, report, *, district: str, issuer: str | None = None) -> list[str]:
    """领导审核单 for one report (what goes to the city needs a leader's review). An unreviewed slip has
    签字/日期 lines in the opinion box for the leader's hand."""
    organ = issuer or issuer_for(district)
    form = _Form(target, "突发事件信息报送领导审核单", mark=None, number=f"编号：{report.id}",
                 subtitle=f"{organ}", size=SIZE_XIAO4)  # 小四: a usual report and its signatures fit one page
    form.row(FormRow("事件名称", incident.title))
    form.row(FormRow("报告类别", report.label))
    form.row(FormRow("事件等级", _label(GRADE_LABELS, _grade(incident.grade_confirmed))))
    form.row(FormRow("报送对象", "、".join(report.recipients)))
    # the report's text without its heading, 事件 and 报 lines (the rows above say them)
    text = "\n".join(x for x in report.body.splitlines()[1:] if not x.startswith(("事件：", "报：")))
    form.row(FormRow("报告内容", cn_times(text), min_lines=4))
    drafter = report.sent_by_name or incident.created_by_name
    form.row(FormRow("拟稿", organ + "值班室", sign=_signed(drafter, report.created_at, "拟稿人", "拟稿时间")))
    if report.reviewed_by_name:
        form.row(FormRow("领导审核意见", "同意报送。", min_lines=3,
                         sign=_signed(report.reviewed_by_name, report.reviewed_at, "签字", "日期")))
    else:
        form.row(FormRow("领导审核意见", "", min_lines=3, sign=BLANK_SIGN))
    form.row(FormRow("报送情况", (f"已于{cn_clock(report.sent_at)}以{_channel(report.channel)}方式报送"
                                  + (f"，报送人{report.sent_by_name}" if report.sent_by_name else "") + "。")
                     if report.sent_at else "尚未报送。"))
    return form.save()


def _grade(value):
    try:
        return Grade(value)
    except ValueError:
        return value


def _colour(value):
    try:
        return Colour(value)
    except ValueError:
        return value


def _category(value):
    try:
        return Category(value)
    except ValueError:
        return value


def _status(warning) -> str:
    return STATUS_ZH.get(warning.status, "")


def warning_release_pdf(target, warning, *, district: str, issuer: str | None = None,
                        issuer_short: str | None = None) -> list[str]:
    """预警信息发布单: the warning as issued, with its times and channels. A warning never issued has no
    发布单 (a draft is not a release): refused with a message."""
    if warning.issued_at is None:
        raise UserError(f"预警{warning.id}（{warning.title}）尚未发布，没有发布单；请打印审批单",
                        f"warning {warning.id} was never issued: there is no release form; print the approval form")
    organ = warning.issuing_unit or issuer or issuer_for(district)
    colour = _label(COLOUR_LABELS, _colour(warning.colour))
    form = _Form(target, f"{district}突发事件预警信息发布单", mark=None,
                 number=f"{issuer_short or short_issuer(district)}预〔{(_local(warning.issued_at)).year}〕{warning.id}号",
                 subtitle=f"发布单位：{organ}")
    form.row(FormRow("预警名称", warning.title))
    form.row(FormRow("预警级别", colour))
    form.row(FormRow("事件类别", _label(CATEGORY_LABELS, _category(warning.category))
                     + (f"（{warning.event_type}）" if warning.event_type else "")))
    form.row(FormRow("起始时间", cn_clock(warning.start_at) or "发布即生效"))
    form.row(FormRow("预计持续", "；".join(x for x in (cn_times(warning.expected_duration or ""),
                                                     f"至{cn_clock(warning.ends_at)}" if warning.ends_at else "")
                                          if x) or "待定"))
    form.row(FormRow("影响范围", warning.area or "全区"))
    if warning.situation:
        form.row(FormRow("事态情况", cn_times(warning.situation), min_lines=2))
    form.row(FormRow("警示事项", cn_times(warning.cautions or ""), min_lines=2))
    form.row(FormRow("应采取措施", cn_times(warning.measures_text or ""), min_lines=2))
    if warning.public_advice:
        form.row(FormRow("公众建议", cn_times(warning.public_advice)))
    if warning.hotline:
        form.row(FormRow("咨询电话", warning.hotline))
    form.row(FormRow("发布渠道", "、".join(warning.channels) or "—"))
    # the 发布 row says what happened at issue; a later lift or supersession is its own row
    form.row(FormRow("发布", "已发布", sign=_signed(warning.issued_by_name, warning.issued_at, "发布人", "发布时间")))
    if warning.lifted_at:
        form.row(FormRow("解除", "已解除", sign=_signed(warning.lifted_by_name, warning.lifted_at, "解除人", "解除时间")))
    elif warning.status == "superseded":
        form.row(FormRow("调整", "已被调整后的预警替代" + (f"（预警{warning.superseded_by_id}）"
                                                    if getattr(warning, "superseded_by_id", None) else "")))
    return form.save()


def _history_line(h) -> str:
    """One decision of the approval record: 2026年7月1日6时45分　发布第1步　某某　同意：意见 (the lift request
    itself, step 0, reads 申请解除)."""
    who = h.user_name + (f"（{h.external_decider}，{h.external_ref}）" if h.external_decider else "")
    phase = "解除" if h.phase == "lift" else "发布"
    what = f"申请{phase}" if h.step_no == 0 else f"{phase}第{h.step_no}步"
    decision = "" if h.step_no == 0 and h.decision == "requested" else f"　{DECISIONS.get(h.decision, '')}"
    return (f"{cn_clock(h.decided_at)}　{what}　{who}{decision}" + (f"：{h.comment}" if h.comment else "")
            + (f"（已作废：{h.voided_reason or '内容已修改'}）" if h.voided else ""))


def warning_approval_pdf(target, warning, history: Sequence[Any], *, district: str,
                         issuer: str | None = None, issuer_short: str | None = None) -> list[str]:
    """预警信息发布审批单: every step's signature and time, and the full decision record."""
    organ = issuer or issuer_for(district)
    colour = _label(COLOUR_LABELS, _colour(warning.colour))
    year = _local(warning.issued_at or warning.created_at).year
    form = _Form(target, f"{district}突发事件预警信息发布审批单", mark=organ,
                 number=f"{issuer_short or short_issuer(district)}预审〔{year}〕{warning.id}号",
                 subtitle=f"状态：{_status(warning)}")
    form.row(FormRow("预警名称", warning.title))
    form.row(FormRow("级别 / 类别", f"{colour}；{_label(CATEGORY_LABELS, _category(warning.category))}"
                     + (f"（{warning.event_type}）" if warning.event_type else "")))
    form.row(FormRow("范围 / 时间", f"{warning.area or '全区'}；{cn_clock(warning.start_at) or '发布即生效'}起"
                     + (f"，至{cn_clock(warning.ends_at)}" if warning.ends_at else "")))
    form.row(FormRow("警示事项", cn_times(warning.cautions or ""), min_lines=2))
    form.row(FormRow("防范措施", cn_times(warning.measures_text or ""), min_lines=2))
    form.row(FormRow("拟稿", warning.issuing_unit or organ,
                     sign=_signed(warning.created_by_name, warning.created_at, "拟稿人", "拟稿时间")))
    for step in warning.steps:
        role = _label(ROLE_LABELS, step.role, step.label) if step.role else ""  # never the stored key
        if step.kind == "external_decision":
            value = (f"{step.label}：{step.external_decider or ''}" + (f"（{step.external_ref}）" if step.external_ref
                                                                      else "")
                     + (f"\n意见：{step.comment}" if step.comment else "")) if step.approved else f"{step.label}：待决定"
            sign = _signed(step.by_name, step.external_decided_at or step.at, "记录人", "时间")
        else:
            value = f"{step.label}\n意见：{step.comment or '同意'}" if step.approved else f"{step.label}\n（待签）"
            sign = _signed(step.by_name, step.at, "签名", "时间") if step.approved else BLANK_SIGN
        form.row(FormRow(f"{role or step.label}意见", value, min_lines=3, sign=sign))
    form.row(FormRow("签发", "已发布" if warning.issued_at else "（待签发）",
                     sign=_signed(warning.issued_by_name, warning.issued_at, "签发人", "签发时间")))
    if warning.lifted_at:
        form.row(FormRow("解除", "已解除", sign=_signed(warning.lifted_by_name, warning.lifted_at, "解除人", "解除时间")))
    if history:
        form.row(FormRow("审批记录", "\n".join(_history_line(h) for h in history), min_lines=2))
    return form.save()


# ------------------------------------------------------------------ response activation notice


def response_notice_pdf(target, incident, current, steps: Sequence[Any], *, district: str, issuer: str | None = None,
                        number: int | None = None, issuer_short: str | None = None) -> list[tuple[int, str]]:
    """应急响应启动通知 from IncidentView + CurrentResponse (+ the ResponseStep history)."""
    organ = issuer or issuer_for(district)
    since = _local(current.since)
    what = incident.event_type or incident.title
    paras = [body(f"{cn_clock(incident.occurred_at or incident.received_at)}，{incident.place or ''}"
                  f"{incident.address or ''}发生{what}。经研判，决定自{cn_clock(current.since)}起启动"
                  f"{current.level_name}应急响应。"),
             labelled("一、响应级别：", current.level_name),
             labelled("二、启动决定：", current.body or "")]
    if current.commander_name:
        paras.append(labelled("三、指挥长：", current.commander_name
                              + (f"；执行指挥长：{current.executive_commander_name}"
                                 if current.executive_commander_name else "")))
    paras.append(labelled("四、工作要求：" if current.commander_name else "三、工作要求：",
                          "各有关单位按照预案职责立即开展应急处置工作，及时报送处置进展情况。"))
    if steps:
        paras.append(body("响应过程："))
        act = {"activate": "启动", "raise": "提升", "lower": "降低", "end": "终止"}
        for st in steps:
            paras.append(body(f"{cn_clock(st.at)}　{act.get(st.action, st.action)}"
                              + (f"{st.level_name}" if st.level_name else "") + f"（记录人：{st.recorded_by_name}）"))
    doc = Gongwen(title=f"关于启动{current.level_name}应急响应的通知", paragraphs=paras, issuer_mark=f"{organ}文件",
                  doc_number=f"{issuer_short or short_issuer(district)}发〔{since.year}〕{number or current.incident_id}号",
                  urgency="特急", addressee="各有关单位", signature=organ, date=since.date(),
                  printed_by=f"{organ}办公室", printed_on=since.date())
    return render(doc, target)


# ------------------------------------------------------------------ listings for the other areas


def listing_pdf(target, *, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], subtitle: str | None = None,
                landscape: bool | None = None, note: str | None = None, progress=None) -> None:
    """Duty log, handover sheet, roster month, plan register, contacts directory …: any (columns, rows)."""
    wide = landscape if landscape is not None else len(columns) > 6
    write_table_pdf(target, title=title, subtitle=subtitle, columns=columns, rows=rows, landscape=wide,
                    footer_note=note, progress=progress)


def listing_xlsx(target, *, title: str, columns: Sequence[XlsxColumn], rows: Sequence[Sequence[Any]],
                 sheet: str | None = None, note: str | None = None) -> None:
    write_workbook(target, [XlsxSheet(sheet or title[:31], title, columns, rows, note=note)])


DUTY_LOG_COLUMNS = ("发生时间\n录入时间", "类别", "内容", "记录人", "跟踪")


def _short_time(t: dt.datetime, *, same_day_as: dt.datetime | None = None) -> str:
    """"7月3日 09:00" (the year is in the subtitle); "09:05" when it is the same Beijing day as `same_day_as`."""
    local = t.astimezone(BEIJING)
    if same_day_as is not None and same_day_as.astimezone(BEIJING).date() == local.date():
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _duty_times(e) -> str:
    """When it happened and, below, when it was entered where that is another minute (a late entry shows)."""
    happened = _short_time(e.happened_at)
    entered = getattr(e, "entered_at", None)
    if entered is None or _short_time(entered) == happened:
        return happened
    return f"{happened}\n录入 {_short_time(entered, same_day_as=e.happened_at)}"


def _duty_row(e) -> list[str]:
    text = e.text
    if e.stricken:  # never hidden: a stricken line stays on the record with who and why
        text = f"【已划除：{e.stricken_reason or ''}，{e.stricken_by_name or ''} {cn_datetime(e.stricken_at)}】{text}"
    refs = "".join(x for x in (f"（事件{e.incident_id}）" if e.incident_id else "",
                                f"（预警{e.warning_id}）" if e.warning_id else "") if x)
    follow = {"open": "待落实", "done": "已落实"}.get(e.follow_up_state or "", e.follow_up_state or "")
    return [_duty_times(e), e.kind_label, text + refs, e.author_name + ("（自动）" if e.automatic else ""),
            follow]


def duty_log_pdf(target, entries: Sequence[Any], *, district: str, period: str, issuer: str | None = None,
                 progress=None, anchor: str | None = None) -> None:
    """值班日志 for a shift or a month (DutyLogView rows, oldest first); ``anchor``: the audit chain's short anchor
    when printed (store/audit.audit_anchor_short), so the paper can check the file later (verify --against)."""
    organ = issuer or issuer_for(district)
    rows = [_duty_row(e) for e in sorted(entries, key=lambda e: (e.happened_at, e.id))]
    write_table_pdf(target, title=f"{organ}值班日志", subtitle=period, columns=DUTY_LOG_COLUMNS, rows=rows,
                    footer_note=f"共{len(rows)}条。时间栏第二行为录入时间（与发生时间同一分钟的不另列）。{generated_note()}"
                    + (f"　审计锚点：{anchor}" if anchor else ""),
                    progress=progress)


def handover_pdf(target, sheet_text: str, *, district: str, issuer: str | None = None,
                 anchor: str | None = None) -> list[tuple[int, str]]:
    """交接班单 from the handover service's printable text (services.handover.sheet_text): the first line is the
    title; "一、…" lines become 黑体 headings; the signature lines are kept as they are."""
    lines = [x for x in cn_times(sheet_text).splitlines()]
    title = lines[0].strip() if lines else "交接班单"
    paras: list[Para] = []
    for raw in lines[1:]:
        line = raw.strip()
        if not line:
            continue
        if line.startswith(NUMERAL_HEAD):
            paras.append(Para((Run(line, "heiti"),)))
        else:
            paras.append(body(line))
    if anchor:  # the audit chain when printed: `verify --against` checks the file against this paper
        paras.append(body(f"审计锚点：{anchor}"))
    organ = issuer or issuer_for(district)
    return render(Gongwen(title=title, paragraphs=paras, signature=f"{organ}值班室", sealed=False), target)


def roster_title(district: str | None, year: int, month: int, issuer: str | None = None) -> str:
    """北京市东城区应急管理局2026年7月值班表: the title of the roster PDF and of its workbook (reports/roster_xlsx)."""
    return f"{issuer or issuer_for(district or '')}{year}年{month}月值班表"


def roster_month_pdf(target, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, district: str, year: int,
                     month: int, issuer: str | None = None) -> None:
    """排班表 of a month (services.roster.month_table(view) gives headers and rows)."""
    write_table_pdf(target, title=roster_title(district, year, month, issuer), subtitle=None, columns=headers,
                    rows=[[cell_text_short(v) for v in r] for r in rows], landscape=len(headers) > 6,
                    footer_note=generated_note())


def cell_text_short(value: Any) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.month}月{value.day}日"
    return "" if value is None else str(value)


def generated_note(now: dt.datetime | None = None) -> str:
    t = now or dt.datetime.now(BEIJING)
    return f"制表：dutyroom 值班系统　导出时间：{cn_datetime(t)}"


__all__ = ["FormRow", "cn_date", "duty_log_pdf", "generated_note", "handover_pdf",
           "incident_report_document", "incident_report_pdf", "issuer_for", "leader_review_slip_pdf", "listing_pdf",
           "listing_xlsx", "response_notice_pdf", "roster_month_pdf", "warning_approval_pdf",
           "warning_release_pdf"]
