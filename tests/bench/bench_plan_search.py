"""Benchmark: a two-character full-text search (燃气) over a library of 500 plans.

Run: .venv/bin/python tests/bench/bench_plan_search.py [N]

Builds N plans (default 500), each with one document cut from the five seed gazettes (a window of
about 20,000 characters at a plan-specific place, with the plan's name on top, so texts differ), imported
through PlanDocumentService (the same passages and FTS5 terms the app writes). Prints the median time of
`search("燃气")` (the whole service call: FTS5 lookup, joins, the phrase check on each passage and the
snippets) and, as a baseline measured in the same run, the median time of a plain
`LIKE '%燃气%'` scan over the same documents' extracted text returning only their ids, and the ratio.
Target: under 100 ms. Never gates anything on time.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import Actor
from dutyroom.services.plan_documents import PlanDocumentService
from dutyroom.services.plans import PlanService
from dutyroom.store.database import Database
from dutyroom.store.models import PlanDocument, User, UserRole
from tests.bench.timing import median_ms

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
WINDOW = 20_000
TYPES = ("special", "departmental", "street", "unit", "support", "community")


def populate(db: Database, n: int) -> tuple[Actor, PlanDocumentService]:
    rng = random.Random(5)
    profile = load_profile("dongcheng")
    with db.write() as s:
        user = User(username="bench", display_name="基准", password_hash="x",
                    roles=[UserRole(role="office_director")])
        s.add(user)
        s.flush()
        actor = Actor(user.id, user.username, user.display_name, frozenset({"office_director"}))
    plans, docs = PlanService(db, profile), PlanDocumentService(db, profile)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(n):
        plan_type = TYPES[i % len(TYPES)]
        name = f"基准第{i + 1}号{rng.choice(['防汛', '燃气', '供热', '地震', '消防', '交通', '疫情'])}应急预案"
        plan = plans.create_plan(actor, name, plan_type, f"基准单位{i % 37}")
        source = texts[i % len(texts)]
        start = rng.randrange(0, max(1, len(source) - WINDOW))
        body = f"{name}\n{source[start:start + WINDOW]}\n（第{i + 1}号文本）"
        docs.import_file(actor, plan.id, f"plan_{i + 1:03d}.txt", body.encode("utf-8"))
    return actor, docs


def like_scan(db: Database, word: str) -> int:
    """The baseline: which documents contain the word, by scanning their text (no index, no snippets)."""
    with db.read() as s:
        return len(s.execute(select(PlanDocument.id).where(PlanDocument.extracted_text.contains(word))).all())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        t0 = time.perf_counter()
        actor, docs = populate(db, n)
        build_s = time.perf_counter() - t0
        word = "燃气"
        hits = docs.search(actor, word)
        scanned = like_scan(db, word)
        search_ms = median_ms(lambda: docs.search(actor, word))
        scan_ms = median_ms(lambda: like_scan(db, word))
        db.dispose()
    print(f"plans: {n}, documents: {n}, built and indexed in {build_s:.1f} s")
    print(f"search {word!r}: {len(hits)} documents (LIKE scan: {scanned}; the search also finds words broken"
          " across lines)")
    print(f"search median: {search_ms:.1f} ms   (target < 100 ms: {'met' if search_ms < 100 else 'NOT met'})")
    print(f"baseline LIKE scan median: {scan_ms:.1f} ms   ratio search/scan: {search_ms / scan_ms:.2f}")


if __name__ == "__main__":
    main()
