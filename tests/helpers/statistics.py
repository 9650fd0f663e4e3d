"""A PeriodStatistics built by hand (no database): what the statistics report and workbook are drawn from.

`sample_statistics(n_late)` gives a year of figures with `n_late` late reports (titles of varied length,
two- and three-digit minutes, times on both sides of midnight); the made-up incidents name no real person.
"""

from __future__ import annotations

import datetime as dt

from dutyroom.domain.clock import BEIJING
from dutyroom.services.statistics import CountRow, LateIncident, LatenessRow, PeriodStatistics

T0 = dt.datetime(2026, 1, 3, 23, 52, tzinfo=BEIJING)
TITLES = ["东华门街道居民楼燃气泄漏", "景山街道一在建工地脚手架坍塌造成两人受伤的生产安全事故",
          "交道口街道暴雨积水", "北新桥街道道路交通事故（三车追尾，一人受伤送医）",
          "东直门街道商场火灾", "和平里街道地下管线破裂导致大面积停水"]


def _rows(labels: list[str], base: int) -> tuple[CountRow, ...]:
    return tuple(CountRow(key=f"k{i}", label=label, count=base + 3 * i, deaths=i % 2, injured=i + 1,
                          loss_cny=12_500.0 * (i + 1)) for i, label in enumerate(labels))


def sample_statistics(n_late: int = 12, *, n_places: int = 8) -> PeriodStatistics:
    late = []
    for i in range(n_late):
        received = T0 + dt.timedelta(days=9 * i, minutes=37 * i)
        due = received + dt.timedelta(minutes=30 if i % 2 else 60)
        minutes = [7, 45, 128, 3, 1440, 62][i % 6]
        late.append(LateIncident(incident_id=100 + i, title=TITLES[i % len(TITLES)], received_at=received,
                                 report_label=["首报", "书面报告", "续报", "终报"][i % 4], due_at=due,
                                 sent_at=due + dt.timedelta(minutes=minutes), late_minutes=minutes))
    missed = [LateIncident(incident_id=300, title="安定门街道一居民楼外墙脱落", received_at=T0,
                           report_label="终报", due_at=T0 + dt.timedelta(days=5), sent_at=None, late_minutes=13_000)]
    places = ["东华门街道", "景山街道", "交道口街道", "安定门街道", "北新桥街道", "东四街道", "朝阳门街道",
              "建国门街道", "东直门街道", "和平里街道", "前门街道", "崇文门外街道", "东花市街道", "龙潭街道",
              "体育馆路街道", "天坛街道", "永定门外街道"][:n_places]
    lateness = (LatenessRow("verbal", "首报", 120, 9, 540, 128, missed=0),
                LatenessRow("written", "书面报告", 118, 14, 18_765, 1440, missed=2),
                LatenessRow("followup", "续报", 230, 3, 96, 45),
                LatenessRow("final", "终报", 60, 1, 12_345, 12_345, missed=1))
    return PeriodStatistics(
        first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 31), total=128,
        by_category=_rows(["自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"], 20),
        by_grade=_rows(["特别重大（I级）", "重大（II级）", "较大（III级）", "一般（IV级）", "未定级"], 1),
        by_place=_rows(places, 2),
        by_month=tuple(CountRow(key=f"2026-{m:02d}", label=f"2026年{m}月", count=5 + m % 4, deaths=0,
                                injured=m % 3, loss_cny=1000.0 * m) for m in range(1, 13)),
        lateness=lateness, late_incidents=tuple(late),
        computed_at=dt.datetime(2027, 1, 2, 9, 5, tzinfo=BEIJING), missed_reports=tuple(missed))
