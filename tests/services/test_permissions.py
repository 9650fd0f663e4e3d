"""The permission policy as services apply it."""

import pytest

from dutyroom.domain.permissions import POLICY, allowed, can_sign
from dutyroom.services.actor import Actor
from dutyroom.services.errors import PermissionDenied
from dutyroom.services.guard import require


def actor(*roles):
    return Actor(1, "u", "用户", frozenset(roles))


def test_admin_cannot_approve_without_the_approving_role():
    assert not can_sign({"admin"}, "committee_director")
    assert can_sign({"admin", "committee_director"}, "committee_director")


def test_external_roles_are_never_signed_in_the_app():
    assert not can_sign({"city_emergency_office"}, "city_emergency_office")


def test_state_limits_actions():
    assert allowed({"duty_officer"}, "incident.edit", "open")
    assert not allowed({"duty_officer"}, "incident.edit", "closed")
    with pytest.raises(PermissionDenied, match="当前状态"):
        require(actor("duty_officer"), "incident.edit", "closed")


def test_refusal_names_user_and_action():
    with pytest.raises(PermissionDenied, match="无权管理用户"):
        require(actor("duty_officer"), "user.manage")


@pytest.mark.parametrize("action", sorted(POLICY))
def test_every_action_has_someone_allowed_and_messages(action):
    rule = POLICY[action]
    assert rule.roles and rule.zh and rule.en
