"""Validate one or all rule profiles: python scripts/check_profile.py [KEY ...]"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dutyroom.domain.profile_loader import ProfileError, available_profiles, load_profile

keys = sys.argv[1:] or available_profiles()
bad = 0
for key in keys:
    try:
        p = load_profile(key)
        print(f"OK {key}: {len(p.reporting.clocks)} clocks, {len(p.lead_departments)} lead rows, "
              f"{len(p.plan_catalogue)} plans, {len(p.response.levels)} response levels")
    except ProfileError as exc:
        bad += 1
        print(f"FAIL {exc}")
sys.exit(1 if bad else 0)
