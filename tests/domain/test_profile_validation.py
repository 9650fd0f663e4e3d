"""Bad profile data fails to load with a message naming the file and the field."""

import shutil

import pytest
import yaml

from dutyroom.domain.profile_loader import PROFILE_DIR, ProfileError, load_profile_file


@pytest.fixture
def profile_copy(tmp_path):
    for name in ("dongcheng.yaml", "beijing.yaml", "shijingshan.yaml", "shijingshan@2025.yaml"):
        shutil.copy(PROFILE_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_missing_field(profile_copy):
    path = profile_copy / "dongcheng.yaml"
    _edit(path, lambda d: d["reporting"]["clocks"][0].pop("to"))
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert err.value.file.endswith("dongcheng.yaml")
    assert err.value.field == "reporting.clocks[0].to"
    assert "dongcheng.yaml" in str(err.value) and "reporting.clocks[0].to" in str(err.value)


def test_unknown_role_key(profile_copy):
    path = profile_copy / "dongcheng.yaml"
    _edit(path, lambda d: d["warnings"]["levels"]["orange"]["steps"][0].update(role="mayor"))
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert err.value.field == "warnings.levels.orange.steps[0].role"


def test_negative_minutes(profile_copy):
    path = profile_copy / "dongcheng.yaml"
    _edit(path, lambda d: d["reporting"]["clocks"][2].update(minutes=-10))
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert err.value.field == "reporting.clocks[2].minutes"


def test_external_role_cannot_sign_in_the_app(profile_copy):
    path = profile_copy / "dongcheng.yaml"
    _edit(path, lambda d: d["warnings"]["levels"]["red"]["steps"][0].update(role="city_emergency_office"))
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert "external" in str(err.value)


def test_unknown_key_is_an_error_not_ignored(profile_copy):
    path = profile_copy / "dongcheng.yaml"
    _edit(path, lambda d: d["reporting"]["clocks"][0].update(minuts=5))
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert err.value.field == "reporting.clocks[0].minuts"


def test_yaml_syntax_error_names_the_file(profile_copy):
    path = profile_copy / "dongcheng.yaml"
    path.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert err.value.field == "(syntax)" and "dongcheng.yaml" in str(err.value)


def test_inheriting_a_section_and_giving_it_too_is_refused(profile_copy):
    path = profile_copy / "shijingshan@2025.yaml"  # the version that inherits sections (2025.2 is `under: beijing`)
    beijing = yaml.safe_load((profile_copy / "beijing.yaml").read_text(encoding="utf-8"))
    _edit(path, lambda d: d.update(reporting=beijing["reporting"]))
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert err.value.field == "reporting"


def test_incident_is_judged_by_the_profile_version_in_force_on_its_date(profile_copy):
    """A revised plan does not rewrite history: an older version sits beside it as KEY@VERSION.yaml."""
    import datetime as dt

    from dutyroom.domain.profile_loader import available_profiles, profile_in_force

    old = profile_copy / "dongcheng@2016.yaml"
    data = yaml.safe_load((profile_copy / "dongcheng.yaml").read_text(encoding="utf-8"))
    data.update(version="2016", effective_from="2016-06-01")
    data["reporting"]["clocks"][2]["minutes"] = 20
    old.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "dongcheng@2016" not in available_profiles(profile_copy)
    assert profile_in_force("dongcheng", dt.date(2021, 12, 31), profile_copy).version == "2016"
    assert profile_in_force("dongcheng", dt.date(2022, 2, 1), profile_copy).version == "2022"
    assert profile_in_force("dongcheng", dt.date(2010, 1, 1), profile_copy).version == "2016"
